// What a refreshed customer costs as their history deepens (issue 17, goal 5), in the soak's
// pattern without its processes: one workspace of `customers`; each round gives every
// customer one more session signal through the real ingest path and then refreshes every
// customer once in pages of 2,000 (the drain's page), as a refresh job does. Each round
// reports the time per customer by phase (features, tiers, model values, scores), the
// signals per customer, and the dead rows and size of the tables a refresh rewrites, with
// autovacuum left as configured. Cost that follows signals per customer is history; cost
// that follows dead rows is churn the vacuum has not caught up with.
// `npm run bench -- refresh-depth [--size N] [--rounds R]`.
import { JobQueues } from "../jobs/runtime.ts";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import type { Deps } from "../src/deps.ts";
import type { Logger } from "../src/log.ts";
import { refreshCustomers } from "../src/scores/pipeline.ts";
import { ingestSignals } from "../src/signals/ingest.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { benchRedisUrl, freshDatabase, machineFacts, memoryReport } from "./support.ts";

const PAGE = 2_000;
const phaseNames = ["featuresMs", "tiersMs", "modelMs", "scoresMs"] as const;

export async function runRefreshDepthBench(opts: { customers?: number; rounds?: number } = {}) {
  const customers = opts.customers ?? 20_000;
  const rounds = opts.rounds ?? 12;
  const { database, drop } = await freshDatabase("refreshdepth");
  const jobs = new JobQueues({ backend: { kind: "redis", url: benchRedisUrl() }, prefix: `{rwdepth-${Date.now()}}` });
  // The phases' times come from refreshCustomers' own "refresh page" debug line.
  const pages: Record<(typeof phaseNames)[number], number>[] = [];
  const quiet = () => {};
  const log: Logger = { debug: (msg, f) => void (msg === "refresh page" && pages.push(f as (typeof pages)[number])), info: quiet, warn: quiet, error: console.error };
  const config = loadConfig({ LOG_LEVEL: "silent", DATABASE_URL: database.url });
  const deps: Deps = { database, jobs, config, log, clock: systemClock };
  const ids = Array.from({ length: customers }, (_, i) => `c-${String(i).padStart(6, "0")}`);
  const refreshAll = async () => {
    await database.sql`delete from refresh_requests`;
    pages.length = 0;
    const started = performance.now();
    for (let i = 0; i < ids.length; i += PAGE) await refreshCustomers(deps, { workspaceId: ws, customerIds: ids.slice(i, i + PAGE) });
    return performance.now() - started;
  };
  const steps = [];
  let ws = "";
  try {
    ({ id: ws } = (await createWorkspace(database.db, { name: "refresh-depth" })).workspace);
    // One purchase each, 60 days back, refreshed once untimed: every round then refreshes customers that already have features, a tier, model values and a score.
    await ingestAll(deps, ws, ids.map((c) => ({ id: `p-${c}`, customerId: c, type: "purchase", occurredAt: ago(60 * 24), data: { amount: 50_000, orderId: `o-${c}` } })));
    await refreshAll();
    for (let round = 1; round <= rounds; round++) {
      // A session an hour apart per round, inside every session window.
      await ingestAll(deps, ws, ids.map((c) => ({ id: `s-${c}-${round}`, customerId: c, type: "session", occurredAt: ago(rounds - round + 1), data: { durationSeconds: 60, channel: "app" } })));
      const ms = await refreshAll();
      const tables = await database.sql<{ relname: string; live: number; dead: number; mib: number; autovacuums: number }[]>`
        select relname, n_live_tup::int live, n_dead_tup::int dead, (pg_total_relation_size(relid) / 1048576)::int mib, autovacuum_count::int autovacuums
        from pg_stat_user_tables where relname in ('signals', 'customer_features', 'customer_scores', 'customer_model_values', 'customer_tiers', 'customers') order by relname`;
      const perCustomer = Object.fromEntries(phaseNames.map((p) => [p.replace("Ms", ""), +(pages.reduce((t, x) => t + x[p], 0) / customers).toFixed(3)]));
      steps.push({ round, sessionsPerCustomer: round, msPerCustomer: +(ms / customers).toFixed(3), phaseMsPerCustomer: perCustomer, tables: Object.fromEntries(tables.map((t) => [t.relname, { live: t.live, dead: t.dead, mib: t.mib, autovacuums: t.autovacuums }])) });
      process.stderr.write(`round ${round}: ${(ms / customers).toFixed(3)} ms per customer ${JSON.stringify(perCustomer)} dead ${tables.map((t) => `${t.relname}=${t.dead}`).join(" ")}\n`);
    }
    return { name: "refresh-depth", customers, rounds, page: PAGE, steps, memory: memoryReport("the load generator, in process"), machine: await machineFacts(database) };
  } finally {
    await jobs.close();
    await drop();
  }
}

/** `hours` hours ago, as ISO. */
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function ingestAll(deps: Deps, workspaceId: string, items: unknown[]) {
  for (let i = 0; i < items.length; i += 1_000) {
    const r = await ingestSignals(deps, { workspaceId, items: items.slice(i, i + 1_000) });
    const bad = r.results.find((x) => x.status === "rejected");
    if (bad) throw new Error(`refresh-depth: a signal was rejected: ${JSON.stringify(bad)}`);
  }
}
