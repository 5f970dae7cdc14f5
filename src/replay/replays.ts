// Replays through the API (POST /v1/replays): what the whole pack would have done on the
// workspace's own history. The request is stored and a job (ids only) runs it in a scratch
// workspace set up like the caller's; the caller's alerts and scores are never touched. The
// alerts are copied into replay_alerts, the summary into the replay row, and the scratch
// workspace is removed.
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { replayAlerts as replayAlertsTable, replays } from "../../db/replay-schema.ts";
import { encodeCursor, decodeCursor } from "../cursor.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { runReplay } from "./engine.ts";
import { replaySummary } from "./results.ts";
import { workspaceSettingsPatchSchema } from "../workspaces/settings.ts";
import { createScratchWorkspace, parseReplaySetup, removeScratchWorkspace, replayRulesSchema } from "./scratch.ts";
import { workspaceSource } from "./workspace-source.ts";

const DAY = 86_400_000;

export const replayRequestSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).meta({ description: "Signals up to here load as history; the pipeline runs from here" }),
    to: z.iso.datetime({ offset: true }).meta({ description: "End of the replay (not after now); later signals are left out" }),
    stepDays: z.number().int().min(1).max(365).default(7).meta({ description: "Longest stretch of signals ingested at once; the daily pass cuts it further" }),
    settings: workspaceSettingsPatchSchema.optional().meta({ description: "A settings patch (PATCH /v1/workspace/settings shape) for the replay only" }),
    rules: replayRulesSchema.optional().meta({ description: "Rules (POST /v1/rules shape) to run instead of the workspace's" }),
  })
  .meta({ id: "ReplayRequest" });
export type ReplayRequest = z.infer<typeof replayRequestSchema>;

export async function requestReplay(deps: Deps, input: { workspaceId: string; actor: string; request: ReplayRequest }) {
  const { request } = input;
  const from = new Date(request.from);
  const to = new Date(request.to);
  const errors = [
    ...(to <= from ? [{ path: "to", message: "must be after from" }] : []),
    ...(to > deps.clock() ? [{ path: "to", message: "must not be in the future" }] : []),
    ...(to.getTime() - from.getTime() > 3 * 366 * DAY ? [{ path: "to", message: "a replay covers at most three years" }] : []),
  ];
  if (errors.length > 0) throw new AppError("validation_failed", "the replay's dates are not valid", errors);
  parseReplaySetup(request);
  const id = newId("rpl");
  const now = deps.clock();
  await deps.database.db.insert(replays).values({
    workspaceId: input.workspaceId,
    id,
    status: "queued",
    request: { ...request, from: from.toISOString(), to: to.toISOString() },
    createdBy: input.actor,
    createdAt: now,
  });
  await deps.jobs.add("runReplay", { workspaceId: input.workspaceId, replayId: id }, { jobId: `replay-${id}`, attempts: 1 });
  return getReplay(deps, { workspaceId: input.workspaceId, replayId: id });
}

/** The job: runs a queued replay once; a finished one is left as it is. */
export async function runStoredReplay(deps: Deps, input: { workspaceId: string; replayId: string }) {
  const { workspaceId, replayId } = input;
  const sql = deps.database.sql;
  const [row] = await deps.database.db.select().from(replays).where(and(eq(replays.workspaceId, workspaceId), eq(replays.id, replayId)));
  if (!row || row.status === "succeeded" || row.status === "failed") return { status: row?.status ?? "missing" };
  // A run that died half-way left its scratch workspace: start again from nothing.
  if (row.scratchWorkspaceId) await removeScratchWorkspace(deps, row.scratchWorkspaceId);
  await sql`delete from replay_alerts where workspace_id = ${workspaceId} and replay_id = ${replayId}`;
  const request = row.request as ReplayRequest;
  const setup = parseReplaySetup(request);
  let scratch: string | null = null;
  try {
    scratch = await createScratchWorkspace(deps, { name: `replay ${replayId}`, copyFrom: workspaceId, settings: setup.settings, rules: setup.rules });
    await sql`update replays set status = 'running', scratch_workspace_id = ${scratch}, started_at = ${new Date()} where workspace_id = ${workspaceId} and id = ${replayId}`;
    const to = new Date(request.to);
    const ws = scratch;
    const stats = await runReplay(deps, {
      workspaceId: ws,
      source: workspaceSource(deps, workspaceId, { to }),
      from: new Date(request.from),
      to,
      stepDays: request.stepDays,
      progress: async (p) => {
        await sql`update replays set progress = ${sql.json(p)} where workspace_id = ${workspaceId} and id = ${replayId}`;
      },
    });
    await sql`
      insert into replay_alerts (workspace_id, replay_id, alert_id, customer_id, opened_at, severity, score, tier, rules, reasons)
      select ${workspaceId}, ${replayId}, id, customer_id, opened_at, severity, score, tier, rule_versions, reasons
      from alerts where workspace_id = ${ws}`;
    const summary = await replaySummary(deps, ws, stats, {});
    await sql`
      update replays set status = 'succeeded', summary = ${sql.json(summary)}, finished_at = ${new Date()}, scratch_workspace_id = null
      where workspace_id = ${workspaceId} and id = ${replayId}`;
    return { status: "succeeded" };
  } catch (err) {
    deps.log.warn("replay failed", { workspaceId, replayId, err: err instanceof Error ? err.message : String(err) });
    await sql`
      update replays set status = 'failed', error = ${err instanceof Error ? err.message : String(err)}, finished_at = ${new Date()}, scratch_workspace_id = null
      where workspace_id = ${workspaceId} and id = ${replayId}`;
    return { status: "failed" };
  } finally {
    if (scratch) await removeScratchWorkspace(deps, scratch);
  }
}

export async function getReplay(deps: Pick<Deps, "database">, input: { workspaceId: string; replayId: string }) {
  const [row] = await deps.database.db
    .select()
    .from(replays)
    .where(and(eq(replays.workspaceId, input.workspaceId), eq(replays.id, input.replayId)));
  if (!row) throw notFound("replay", input.replayId);
  return replayView(row);
}

export async function listReplays(deps: Pick<Deps, "database">, input: { workspaceId: string }) {
  const rows = await deps.database.db.select().from(replays).where(eq(replays.workspaceId, input.workspaceId)).orderBy(desc(replays.createdAt)).limit(100);
  return { items: rows.map(replayView) };
}

const replayView = (r: typeof replays.$inferSelect) => ({
  id: r.id,
  status: r.status,
  request: r.request,
  progress: r.progress ?? null,
  summary: r.summary ?? null,
  error: r.error,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

const alertCursor = z.object({ at: z.string(), id: z.string() });

/** A replay's alerts, oldest first, cursor-paged. */
export async function listReplayAlerts(deps: Pick<Deps, "database">, input: { workspaceId: string; replayId: string; limit: number; cursor?: string }) {
  await getReplay(deps, input);
  const after = decodeCursor(alertCursor, input.cursor);
  const sql = deps.database.sql;
  const rows = await sql<(typeof replayAlertsTable.$inferSelect & { opened_at: Date; alert_id: string; customer_id: string })[]>`
    select alert_id, customer_id, opened_at, severity, score, tier, rules, reasons from replay_alerts
    where workspace_id = ${input.workspaceId} and replay_id = ${input.replayId}
      ${after ? sql`and (opened_at, alert_id) > (${new Date(after.at)}, ${after.id})` : sql``}
    order by opened_at, alert_id limit ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      customerId: r.customer_id,
      openedAt: r.opened_at.toISOString(),
      severity: r.severity,
      score: r.score,
      tier: r.tier,
      rules: r.rules.map((v) => ({ ruleId: v.slice(0, v.lastIndexOf("@")), version: Number(v.slice(v.lastIndexOf("@") + 1)) })),
      reasons: r.reasons,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.opened_at.toISOString(), id: last.alert_id }) : null,
  };
}
