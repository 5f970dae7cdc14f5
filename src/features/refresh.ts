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

/** The first key of a drain's advisory lock (`hashtext` of it); the second is the shard's. */
export const REFRESH_LOCK_CLASS = "refresh";

/** Records that these customers need a refresh (call inside the storing transaction). */
export async function requestRefresh(sql: Sql, workspaceId: string, customerIds: readonly string[], at: Date) {
  if (customerIds.length === 0) return;
  await sql`
    insert into refresh_requests (workspace_id, customer_id, requested_at)
    select ${workspaceId}, id, ${at}::timestamptz from unnest(${customerIds as string[]}::text[]) as id`;
}

/**
 * Queues the workspace's refresh at once, one job per shard of its customers (shards drain
 * side by side). No delay and no de-duplication: a job that finds its shard's drain already
 * running leaves at once (that drain loops until no request is left), so an idle workspace's
 * signal is refreshed straight away and a busy one's requests are gathered by the drain
 * that is running. Ingest throttles how often it calls this (REFRESH_THROTTLE_MS).
 */
export async function enqueueRefresh(deps: Deps, workspaceId: string, shards?: readonly number[]) {
  const all = shards ?? [...Array(deps.config.REFRESH_SHARDS).keys()];
  await deps.jobs.addBulk("refreshCustomers", all.map((shard) => ({ payload: { workspaceId, shard } })));
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
 * a time (advisory lock). With `wait` (the demo, tests) a second drain waits for the lock and
 * then finds what is left; without it (the queued job) it leaves at once, and the running
 * drain, after releasing the lock, queues the shard again if a request arrived after its
 * last page: a job that left while it ran may have been that request's only job.
 * It also records the customers' newest signal seen (customers.last_signal_at), which
 * ingest leaves alone.
 */
export async function drainRefreshRequests(
  deps: Deps,
  input: { workspaceId: string; shard: number; pageSize?: number; wait?: boolean },
  refresh: (customerIds: string[]) => Promise<unknown>,
): Promise<{ customers: number; busy?: true }> {
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
  // postgres.js rejects the transaction as soon as the lock's connection dies, but the
  // callback runs on: without the flag and the check per page, its loop went on refreshing
  // pages without the lock, beside the retried drain that now held it.
  let lockLost = false;
  const locked = await drainSlots(sql).run(() => {
    const held = sql.begin(async (lock) => {
      // The simple query protocol, so the idle lock transaction holds no snapshot. A statement
      // with parameters leaves its portal, and the portal's snapshot, open until the transaction
      // ends: under steady load a drain runs for minutes, and that snapshot kept VACUUM from
      // removing any row that died meanwhile (the soak's dead rows grew to 890,000 per table
      // and the workers fell behind). The key is a workspace id and a number, quoted anyway.
      const key = `'${lockKey.replaceAll("'", "''")}'`;
      if (input.wait === false) {
        const [got] = await lock.unsafe<{ ok: boolean }[]>(`select pg_try_advisory_xact_lock(hashtext('${REFRESH_LOCK_CLASS}'), hashtext(${key})) as ok`).simple();
        if (!got?.ok) return false;
      } else {
        await lock.unsafe(`select pg_advisory_xact_lock(hashtext('${REFRESH_LOCK_CLASS}'), hashtext(${key}))`).simple();
      }
      for (;;) {
        if (lockLost) throw new Error("the refresh drain's lock connection was lost");
        await lock.unsafe("select 1").simple(); // still holding the lock
        const pageSize = input.pageSize ?? 2_000;
        // A customer requested by several flushes is refreshed once for all of them.
        const page = await sql<{ customer_id: string; ids: string[] }[]>`
          with waiting as (
            select id, customer_id from refresh_requests
            where workspace_id = ${input.workspaceId} and ${inShard(sql, shards, input.shard)}
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
      return true;
    });
    held.catch(() => {
      lockLost = true;
    });
    return held;
  });
  if (!locked) return { customers, busy: true };
  // A request committed while this drain read its last (empty) page belongs to a job that
  // may have left, seeing the lock held.
  await requeueIfWaiting(deps, input.workspaceId, input.shard);
  return { customers };
}

/** Queues the shard's refresh again if a request is waiting in it; returns whether one was. */
export async function requeueIfWaiting(deps: Deps, workspaceId: string, shard: number) {
  const [left] = await deps.database.sql<{ n: number }[]>`
    select count(*)::int as n from (select 1 from refresh_requests
      where workspace_id = ${workspaceId} and ${inShard(deps.database.sql, deps.config.REFRESH_SHARDS, shard)} limit 1) r`;
  if (!left?.n) return false;
  await enqueueRefresh(deps, workspaceId, [shard]).catch((err: unknown) => deps.log.warn("refresh not queued again; the sweep will pick it up", { err }));
  return true;
}

/** The refresh requests of one shard: a customer's shard is a hash of its id. */
const inShard = (sql: postgres.Sql, shards: number, shard: number) =>
  sql`(hashtext(customer_id) & 2147483647) % ${shards}::int = ${shard}::int`;

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
