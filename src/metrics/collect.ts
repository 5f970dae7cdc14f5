// Scrape-time gauges: one set-based statement each (and one job-count call per queue
// shard), each under a timeout, so a slow database makes a scrape partial, never hung.
// A collector that fails leaves its gauges empty and counts the failure.
import { queueNames } from "../../jobs/definitions.ts";
import type { Deps } from "../deps.ts";
import {
  collectErrors,
  dbConnections,
  dbWaiting,
  modelFitAge,
  queueJobs,
  refreshBacklog,
  refreshBacklogAge,
  registry,
  startProcessMetrics,
  tasksOverdue,
} from "./metrics.ts";

const COLLECT_TIMEOUT_MS = 2_000;
const queueStates = ["waiting", "active", "delayed", "failed", "prioritized", "waiting-children"] as const;

async function withTimeout(name: string, run: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} took longer than ${COLLECT_TIMEOUT_MS} ms`)), COLLECT_TIMEOUT_MS);
      }),
    ]);
  } catch {
    collectErrors.inc({ collector: name });
  } finally {
    clearTimeout(timer);
  }
}

/** Statements on their own transaction with a statement timeout, so a scrape never holds a lock long. */
function timedSql<T extends readonly object[]>(deps: Deps, query: (sql: Deps["database"]["sql"]) => Promise<T>): Promise<T> {
  return deps.database.sql.begin(async (tx) => {
    await tx`select set_config('statement_timeout', ${String(COLLECT_TIMEOUT_MS)}, true)`;
    return query(tx as unknown as Deps["database"]["sql"]);
  }) as Promise<T>;
}

const collectors: Record<string, (deps: Deps) => Promise<void>> = {
  async refresh_backlog(deps) {
    const [row] = await timedSql(deps, (sql) => sql<{ n: number; age: number | null }[]>`
      select count(*)::int as n, extract(epoch from (now() - min(requested_at)))::float8 as age from refresh_requests`);
    refreshBacklog.set(row!.n);
    refreshBacklogAge.set(Math.max(0, row!.age ?? 0));
  },
  async tasks_overdue(deps) {
    const [row] = await timedSql(deps, (sql) => sql<{ n: number }[]>`
      select count(*)::int as n from tasks where status in ('open', 'in_progress') and due_at < now()`);
    tasksOverdue.set(row!.n);
  },
  async model_fit_age(deps) {
    const rows = await timedSql(deps, (sql) => sql<{ workspace_id: string; age: number }[]>`
      select workspace_id, extract(epoch from (now() - max(fitted_at)))::float8 as age
      from model_fits where status = 'fitted' group by workspace_id`);
    modelFitAge.reset();
    for (const r of rows) modelFitAge.set({ workspace: r.workspace_id }, Math.max(0, r.age));
  },
  async db_connections(deps) {
    const rows = await timedSql(deps, (sql) => sql<{ state: string | null; n: number; waiting: number }[]>`
      select coalesce(state, 'unknown') as state, count(*)::int as n,
        count(*) filter (where wait_event_type = 'Lock')::int as waiting
      from pg_stat_activity where datname = current_database() and application_name = 'rivalwatch'
      group by 1`);
    dbConnections.reset();
    let waiting = 0;
    for (const r of rows) {
      dbConnections.set({ state: r.state ?? "unknown" }, r.n);
      waiting += r.waiting;
    }
    dbWaiting.set(waiting);
  },
  async queues(deps) {
    const counts = await Promise.all(queueNames.map(async (q) => [q, await deps.jobs.jobCounts(q, ...queueStates)] as const));
    queueJobs.reset();
    for (const [q, c] of counts) for (const s of queueStates) queueJobs.set({ queue: q, state: s }, c[s] ?? 0);
  },
};

/** The whole exposition: scrape-time gauges refreshed, then every metric in the text format. */
export async function renderMetrics(deps: Deps): Promise<{ contentType: string; body: string }> {
  startProcessMetrics();
  await Promise.all(Object.entries(collectors).map(([name, run]) => withTimeout(name, () => run(deps))));
  return { contentType: registry.contentType, body: await registry.metrics() };
}
