// The replay engine: the whole pipeline over a history, in time order, with the clock pinned.
//
// Signals dated at or before `from` load first as history (clock at `from`), drained through
// the streaming refresh. Then, moment by moment (see schedule.ts: every firing of the
// scheduler's cron patterns, every step's end, every snapshot), the clock is set to the
// moment, the signals up to it are ingested through the real ingest path (`ingestSignals`:
// the API's validation, identities, refresh requests), the refresh requests are drained (the
// streaming path: features, tier promotion, model values, score, alert), and the jobs due
// run as the scheduler would run them: the model fit (`fitWorkspaceModel`), the tier
// re-evaluation (`reevaluateTiers`) and the daily pass (`rescoreWorkspace`). Alerts still open
// `resolveAfterDays` after they opened are resolved, as a manager would, so a customer can
// alert again after the cooldown.
//
// Nothing is queued: the replay drains its own work, and the workspace it runs in should be
// a scratch workspace (scratch.ts) that the live scheduler, sweeps and outbox leave alone.
import { z } from "zod";
import { transitionAlert } from "../alerts/alerts.ts";
import type { Deps } from "../deps.ts";
import type { FieldError } from "../errors.ts";
import { vacuumTables } from "../infra/vacuum.ts";
import { fitWorkspaceModel } from "../model-fits/fit-workspace-model.ts";
import { refreshRequestedCustomers, rescoreWorkspace } from "../scores/pipeline.ts";
import { ingestSignals } from "../signals/ingest.ts";
import { reevaluateTiers } from "../tiers/evaluate.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { NoQueues } from "./no-queues.ts";
import { moments, scheduleOf, type Moment, type ReplaySchedule } from "./schedule.ts";
import type { RejectedItem, SignalSource } from "./source.ts";

const DAY = 86_400_000;

export type ReplayInput = {
  workspaceId: string;
  source: SignalSource;
  from: Date;
  to: Date;
  /** Longest stretch of signals ingested at once (days, default 7); the schedule cuts steps further. */
  stepDays?: number;
  /** Cron patterns (UTC); default the service's own (RESCORE_SCHEDULE, MODEL_FIT_SCHEDULE, TIER_SCHEDULE). */
  schedule?: Partial<ReplaySchedule>;
  /** Alerts still open this many days after they opened are resolved (default 28). */
  resolveAfterDays?: number;
  /** Moments at which `onSnapshot` is called (a moment of their own; `from` itself after the history). */
  snapshots?: readonly Date[];
  onRejected?: (r: RejectedItem) => void;
  /** After each moment's work (the bench reads its own strategies here). */
  onMoment?: (m: Moment & { deps: Deps }) => Promise<void> | void;
  onSnapshot?: (at: Date, deps: Deps) => Promise<void> | void;
  progress?: (p: ReplayProgress) => void | Promise<void>;
  /**
   * Run the scheduler's vacuum (src/infra/vacuum.ts) every VACUUM_EVERY_MS of wall time, as the
   * scheduler does beside a live service. For replays run where no scheduler runs (the CLI, the
   * benches): without it every refreshed customer's rewritten rows and every drained refresh
   * request stay dead for the whole replay where autovacuum is off or behind, and a long replay
   * leaves its tables many times their live size. (Its time it did not change measurably:
   * docs/performance.md, "The refresh as histories deepen".)
   */
  vacuum?: boolean;
};

const count = z.number().int().min(0);

/** Where a running replay is, stored on it as it goes (GET /v1/replays/{id}). */
export const replayProgressSchema = z
  .strictObject({
    at: z.iso.datetime().describe("The replay's clock: the moment of the history it has reached"),
    moment: count.describe("Moments done (each a stretch of signals ingested, then what production runs at that time)"),
    moments: count.describe("Moments in all"),
    signals: count.describe("Signals ingested so far"),
    alerts: count.describe("Alerts opened so far"),
  })
  .meta({ id: "ReplayProgress" });
export type ReplayProgress = z.infer<typeof replayProgressSchema>;

export const replayStatsSchema = z.strictObject({
  signals: z.strictObject({ accepted: count, duplicates: count, rejected: count, history: count.describe("Loaded as history before the replay's start") }),
  moments: count,
  rescores: count,
  modelFits: z.strictObject({ fitted: count, insufficientData: count, failed: count, reused: count }),
  tierReevaluations: count,
  alertsResolved: count,
  seconds: z
    .strictObject({
      ingest: z.number(),
      refresh: z.number(),
      dailyPasses: z.number(),
      slowestPass: z.number(),
      modelFits: z.number(),
      vacuum: z.number().describe("The scheduler's vacuum, run by the replay itself (CLI and benches)"),
      total: z.number(),
    })
    .describe("Time spent, in seconds"),
});
export type ReplayStats = z.infer<typeof replayStatsSchema>;

export async function runReplay(base: Deps, input: ReplayInput): Promise<ReplayStats> {
  const started = performance.now();
  const { workspaceId, source } = input;
  const from = input.from.getTime();
  const to = input.to.getTime();
  if (!(to > from)) throw new Error("replay: to must be after from");
  const stepDays = input.stepDays ?? 7;
  const schedule = { ...scheduleOf(base.config), ...input.schedule };
  const resolveAfter = (input.resolveAfterDays ?? 28) * DAY;
  let now = from;
  // One refresh shard: shards let several workers drain side by side; the replay is one.
  const deps: Deps = { database: base.database, log: base.log, config: { ...base.config, REFRESH_SHARDS: 1 }, clock: () => new Date(now), jobs: new NoQueues() };
  const { settings } = await getWorkspace(deps.database.db, workspaceId);
  const stats: ReplayStats = {
    signals: { accepted: 0, duplicates: 0, rejected: 0, history: 0 },
    moments: 0,
    rescores: 0,
    modelFits: { fitted: 0, insufficientData: 0, failed: 0, reused: 0 },
    tierReevaluations: 0,
    alertsResolved: 0,
    seconds: { ingest: 0, refresh: 0, dailyPasses: 0, slowestPass: 0, modelFits: 0, vacuum: 0, total: 0 },
  };
  const ms = { ingest: 0, refresh: 0, passes: 0, slowest: 0, fits: 0, vacuum: 0 };
  const timed = async <T>(key: keyof typeof ms, fn: () => Promise<T>) => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      ms[key] += performance.now() - t0;
    }
  };

  const ingestUntil = async (until: number) =>
    timed("ingest", async () => {
      let n = 0;
      for await (const batch of source.take(until)) {
        const r = await ingestSignals(deps, { workspaceId, items: batch.map((b) => b.signal), settings });
        stats.signals.accepted += r.accepted;
        stats.signals.duplicates += r.duplicates;
        stats.signals.rejected += r.rejected;
        n += batch.length;
        for (const res of r.results) {
          if (res.status !== "rejected") continue;
          const item = batch[res.index]!;
          // The API's paths name the batch item ("signals[3].data.amount"); a file's name the field.
          const errors: FieldError[] = (res.errors ?? []).map((e) => ({ ...e, path: e.path.replace(/^signals\[\d+\]\.?/, "") || "(root)" }));
          input.onRejected?.({ line: item.line, id: res.id, errors });
        }
      }
      return n;
    });
  const drain = () =>
    timed("refresh", async () => {
      const [waiting] = await deps.database.sql`select 1 from refresh_requests where workspace_id = ${workspaceId} limit 1`;
      if (waiting) await refreshRequestedCustomers(deps, { workspaceId });
    });
  // The first chance comes right after the history, its biggest burst of rewritten rows.
  let vacuumedAt = -Infinity;
  const vacuum = async () => {
    if (!input.vacuum || performance.now() - vacuumedAt < deps.config.VACUUM_EVERY_MS) return;
    await timed("vacuum", () => vacuumTables(deps));
    vacuumedAt = performance.now();
  };
  const snapshotsAt = new Set((input.snapshots ?? []).map((d) => d.getTime()));

  // History: everything up to `from`, as a workspace that imported it would have it.
  stats.signals.history = await ingestUntil(from);
  await drain();
  await vacuum();
  if (snapshotsAt.has(from)) await input.onSnapshot?.(new Date(from), deps);

  const plan = moments({ from, to, stepDays, schedule, snapshots: [...snapshotsAt] });
  let signals = stats.signals.history;
  for (const [k, m] of plan.entries()) {
    now = m.at;
    signals += await ingestUntil(m.at);
    await drain();
    await vacuum();
    for (const job of m.jobs) {
      if (job === "modelFit") {
        const fit = await timed("fits", () => fitWorkspaceModel(deps, { workspaceId }));
        if (fit.reused) stats.modelFits.reused++;
        else if (fit.status === "fitted") stats.modelFits.fitted++;
        else if (fit.status === "insufficient_data") stats.modelFits.insufficientData++;
        else stats.modelFits.failed++;
      } else if (job === "tiers") {
        await reevaluateTiers(deps, { workspaceId });
        stats.tierReevaluations++;
      } else {
        const pass = await timed("passes", () => rescoreWorkspace(deps, { workspaceId, asOf: new Date(m.at) }));
        ms.slowest = Math.max(ms.slowest, pass.ms);
        stats.rescores++;
      }
    }
    stats.alertsResolved += await resolveOldAlerts(deps, workspaceId, m.at - resolveAfter);
    await vacuum();
    if (m.snapshot) await input.onSnapshot?.(new Date(m.at), deps);
    await input.onMoment?.({ ...m, deps });
    stats.moments++;
    if (input.progress && (m.jobs.includes("rescore") || k === plan.length - 1)) {
      const [row] = await deps.database.sql<{ n: number }[]>`select count(*)::int as n from alerts where workspace_id = ${workspaceId}`;
      await input.progress({ at: new Date(m.at).toISOString(), moment: k + 1, moments: plan.length, signals, alerts: row!.n });
    }
  }
  const s = (v: number) => Math.round(v / 100) / 10;
  stats.seconds = { ingest: s(ms.ingest), refresh: s(ms.refresh), dailyPasses: s(ms.passes), slowestPass: s(ms.slowest), modelFits: s(ms.fits), vacuum: s(ms.vacuum), total: s(performance.now() - started) };
  return stats;
}

/** Alerts open since before `openedBefore` are resolved, as the manager handling them would. */
async function resolveOldAlerts(deps: Deps, workspaceId: string, openedBefore: number) {
  const old = await deps.database.sql<{ id: string }[]>`
    select id from alerts where workspace_id = ${workspaceId} and status <> 'resolved' and opened_at <= ${new Date(openedBefore)}`;
  for (const a of old) {
    await transitionAlert(deps, { workspaceId, alertId: a.id, actor: "replay", change: { action: "resolve", note: "handled" } });
  }
  return old.length;
}
