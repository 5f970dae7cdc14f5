// Refreshing customers after their signals change. Ingest records a refresh request per
// customer in the same transaction as the signals and queues one job per workspace,
// debounced; the job drains the workspace's requests a page at a time with set-based SQL.
// A burst of signals for one customer — or for ten thousand — is handled in a few
// statements, and nothing depends on the queue message arriving: the requests are rows.
import type postgres from "postgres";
import { upsertFeatures } from "../../db/queries/features.ts";
import type { Deps } from "../deps.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { Semaphore } from "../parallel.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/** Records that these customers need a refresh (call inside the storing transaction). */
export async function requestRefresh(sql: Sql, workspaceId: string, customerIds: readonly string[], at: Date) {
  if (customerIds.length === 0) return;
  await sql`
    insert into refresh_requests (workspace_id, customer_id, requested_at)
    select ${workspaceId}, id, ${at}::timestamptz from unnest(${customerIds as string[]}::text[]) as id`;
}

/**
 * Queues the workspace's refresh, throttled: signals within the window join the job already
 * waiting (a debounce that extended the wait would starve under a steady stream). The key
 * expires just before the job runs, so requests made while it runs queue a fresh one; the
 * job itself also loops until no request is left.
 */
export async function enqueueRefresh(deps: Deps, workspaceId: string) {
  const delay = deps.config.FEATURES_DEBOUNCE_MS;
  // One job per shard of the workspace's customers, so shards drain side by side.
  await deps.jobs.addBulk(
    "refreshCustomers",
    Array.from({ length: deps.config.REFRESH_SHARDS }, (_, shard) => ({
      payload: { workspaceId, shard },
      opts: { delay, deduplication: { id: `refresh-${workspaceId}-${shard}`, ttl: Math.max(1, delay - 20) } },
    })),
  );
}

/** Recomputes the customers' features as of `asOf` (now by default); returns those written. */
export async function refreshFeatures(deps: Deps, input: { workspaceId: string; customerIds: readonly string[]; asOf?: Date }) {
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  return upsertFeatures(deps.database.sql, { ...input, asOf: input.asOf ?? deps.clock() }, settings);
}

/**
 * Drains one shard of a workspace's refresh requests: reads a page of customers, oldest
 * request first, runs `refresh` on it, removes exactly the requests it read, repeats. A
 * request appended meanwhile stays for the next page: the rows read were committed, so
 * their signals are in what `refresh` saw; later ones may not be. One drain per shard at
 * a time (advisory lock); a second job waits and then finds what is left.
 * It also records the customers' newest signal seen (customers.last_signal_at), which
 * ingest leaves alone.
 */
export async function drainRefreshRequests(
  deps: Deps,
  input: { workspaceId: string; shard: number; pageSize?: number },
  refresh: (customerIds: string[]) => Promise<unknown>,
) {
  const shards = deps.config.REFRESH_SHARDS;
  if (input.shard >= shards) return { customers: 0 }; // queued before REFRESH_SHARDS was lowered
  const { sql } = deps.database;
  const lockKey = `${input.workspaceId}/${input.shard}`;
  let customers = 0;
  // The lock lives in a transaction of its own (not a reserved connection): when PostgreSQL
  // drops that connection, postgres.js settles a transaction's queries, while a reserved
  // connection's next query never settles and the job would hang holding its BullMQ lock.
  // The pages run on the pool; if the lock's connection dies, the commit fails and the job is retried.
  // A drain holds one pooled connection for its lock (or while waiting for it) and needs
  // others for its pages. Unbounded, enough drains at once (QUEUE_SHARDS × WORKER_CONCURRENCY
  // jobs) held every connection and waited forever for one more; so at most half the pool
  // holds locks, and pages always find a connection.
  await drainSlots(sql).run(() => sql.begin(async (lock) => {
    await lock`select pg_advisory_xact_lock(hashtext('refresh'), hashtext(${lockKey}))`;
    for (;;) {
      const pageSize = input.pageSize ?? 2_000;
      // A customer requested by several flushes is refreshed once for all of them.
      const page = await sql<{ customer_id: string; ids: string[] }[]>`
        with waiting as (
          select id, customer_id from refresh_requests
          where workspace_id = ${input.workspaceId} and (hashtext(customer_id) & 2147483647) % ${shards}::int = ${input.shard}::int
          order by id limit ${pageSize * 4}
        )
        select customer_id, array_agg(id)::text[] as ids from waiting group by customer_id order by min(id) limit ${pageSize}`;
      if (page.length === 0) break;
      const ids = page.map((r) => r.customer_id);
      await refresh(ids);
      await sql`
        with done as (
          delete from refresh_requests
          where workspace_id = ${input.workspaceId} and id = any(${page.flatMap((p) => p.ids)}::bigint[])
        )
        update customers c set last_signal_at = f.watermark
        from customer_features f
        where c.workspace_id = ${input.workspaceId} and c.id = any(${ids}::text[])
          and f.workspace_id = c.workspace_id and f.customer_id = c.id
          and f.watermark > coalesce(c.last_signal_at, '-infinity')`;
      customers += ids.length;
    }
  }));
  return { customers };
}

const slotsByPool = new WeakMap<postgres.Sql, Semaphore>();
const drainSlots = (sql: postgres.Sql) => {
  let slots = slotsByPool.get(sql);
  if (!slots) slotsByPool.set(sql, (slots = new Semaphore(Math.max(1, Math.floor(sql.options.max / 2)))));
  return slots;
};

/**
 * The safety net, every minute: customers with signals but no features (or features older
 * than the newest signal a refresh saw, as after a merge) get a request, and every
 * workspace with requests waiting gets a job.
 */
export async function sweepStaleFeatures(deps: Deps, input: { limit?: number } = {}) {
  const sql = deps.database.sql;
  const added = await sql`
    insert into refresh_requests (workspace_id, customer_id, requested_at)
    select c.workspace_id, c.id, ${deps.clock()}::timestamptz
    from customers c
    left join customer_features f on f.workspace_id = c.workspace_id and f.customer_id = c.id
    where c.merged_into is null
      and not exists (select 1 from workspaces w where w.id = c.workspace_id and w.scratch)
      and (f.watermark < c.last_signal_at
        or (f.customer_id is null and exists (select 1 from signals s where s.workspace_id = c.workspace_id and s.customer_id = c.id)))
      and not exists (select 1 from refresh_requests r where r.workspace_id = c.workspace_id and r.customer_id = c.id)
    limit ${input.limit ?? 10_000}`;
  const waiting = await sql<{ workspace_id: string }[]>`
    select distinct r.workspace_id from refresh_requests r join workspaces w on w.id = r.workspace_id and not w.scratch`;
  for (const w of waiting) await enqueueRefresh(deps, w.workspace_id);
  return { requested: added.count, workspaces: waiting.length };
}
