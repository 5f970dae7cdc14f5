// Monthly partitions of `signals` (migration 0027; docs/scaling.md). The scheduler runs
// maintainSignalPartitions hourly:
//  1. the current UTC month and the next three get their partition ahead of time;
//  2. every month found in the default partition (a backfill older than any partition, or a
//     signal dated past the months created) gets a partition of its own, its rows moved
//     there: the default accepts whatever no month holds, and holds it until the next run;
//  3. a month no workspace keeps any longer goes whole (retention): every workspace with
//     signals in it sets `signalRetentionDays` and the month ended longer ago than that. The
//     partition is detached (a short lock on `signals`) and renamed signals_expired_…, then its ids leave the ledger, its
//     customers are asked to refresh, each workspace's audit log records it, and it is dropped;
//  4. the workspaces whose retention leaves less than whole months get their row deletes
//     queued (src/signals/retention.ts).
// Every step checks the catalogue under an advisory lock first, so a second run at once, or a
// run after a crash half-way (a detached month not yet dropped), does what is left and no more.
import type postgres from "postgres";
import { recordAudit } from "../audit/audit.ts";
import type { Deps } from "../deps.ts";
import { enqueueRefresh } from "../features/refresh.ts";
import { fanOutToWorkspaces } from "../scores/schedules.ts";

/** Months created ahead of the current one. */
export const MONTHS_AHEAD = 3;
const PARTITION_LOCK = 0x52_57_50_54; // "RWPT"
/** DDL waits no longer than this for the table's lock (ingest holds it briefly), then the next run tries again. */
const LOCK_TIMEOUT = "10s";

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** `signals_2026_12` for December 2026 (UTC). */
export const partitionName = (month: Date) => `signals_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
/** A month detached for dropping, until it is dropped. */
const expiredName = (month: Date) => partitionName(month).replace("signals_", "signals_expired_");
const monthOf = (name: string) => {
  const m = /^signals_(\d{4})_(\d{2})$/.exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : null;
};

export type PartitionMaintenance = { created: string[]; moved: number; dropped: string[]; droppedSignals: number; retentionQueued: number };

export async function maintainSignalPartitions(deps: Deps): Promise<PartitionMaintenance> {
  const { sql } = deps.database;
  const now = deps.clock();
  const result: PartitionMaintenance = { created: [], moved: 0, dropped: [], droppedSignals: 0, retentionQueued: 0 };
  await finishDetached(deps, result);

  const ahead = Array.from({ length: MONTHS_AHEAD + 1 }, (_, k) => addMonths(monthStart(now), k));
  const stray = (await sql<{ m: Date }[]>`select distinct date_trunc('month', occurred_at, 'UTC') as m from signals_default`).map((r) => r.m);
  const months = [...new Map([...ahead, ...stray].map((m) => [m.getTime(), m])).values()].sort((a, b) => a.getTime() - b.getTime());
  for (const month of months) {
    const made = await createMonth(sql, month);
    if (made) result.created.push(partitionName(month)), (result.moved += made.moved);
  }

  for (const month of await expiredMonths(sql, now)) {
    if (await detachMonth(sql, month, now)) await finishDetached(deps, result);
  }
  // Row deletes for what is left (a workspace keeping less than a month that others still need).
  result.retentionQueued = (
    await fanOutToWorkspaces(deps, "enforceSignalRetention", { only: sql`jsonb_typeof(settings -> 'signalRetentionDays') = 'number'` })
  ).workspaces;
  return result;
}

async function locked<T>(sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  let out: T;
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    await tx`select pg_advisory_xact_lock(${PARTITION_LOCK})`;
    out = await work(tx);
  });
  return out!;
}

/** Range bounds as SQL literals (DDL takes no parameters); the instants are ours, never a caller's. */
const bounds = (month: Date) => `from ('${month.toISOString()}') to ('${addMonths(month, 1).toISOString()}')`;

/**
 * The month's partition, made as a table of its own, filled with the month's rows from the
 * default partition, then attached. Ingest into `signals` waits meanwhile (the table is locked
 * against writes, not reads): an insert that had already routed a row of this month to the
 * default partition would otherwise store it there after the attach and fail with "violates
 * partition constraint" (it did: a 500 to the client in the Redis Cluster spec). The wait is
 * the move of the month's rows out of the default partition, none for a month ahead. Null
 * when the month has a partition already.
 */
function createMonth(sql: postgres.Sql, month: Date): Promise<{ moved: number } | null> {
  const name = partitionName(month);
  const to = addMonths(month, 1);
  return locked(sql, async (tx) => {
    const [exists] = await tx<{ exists: boolean }[]>`select to_regclass(${name}) is not null as exists`;
    if (exists!.exists) return null;
    await tx`lock table signals in share row exclusive mode`;
    await tx`create table ${tx(name)} (like signals including defaults)`;
    const moved = await tx`
      with moved as (delete from signals_default where occurred_at >= ${month} and occurred_at < ${to} returning *)
      insert into ${tx(name)} select * from moved`;
    await tx.unsafe(`alter table signals attach partition "${name}" for values ${bounds(month)}`);
    return { moved: moved.count };
  });
}

/**
 * Attached months that no workspace keeps any longer, oldest first: every workspace with a
 * signal in the month keeps signals fewer days than have passed since the month ended.
 * (A workspace with no signal in a month does not hold it back, whatever it keeps.)
 */
async function expiredMonths(sql: postgres.Sql, now: Date): Promise<Date[]> {
  const attached = await sql<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'signals'::regclass order by 1`;
  const past = attached.map((p) => monthOf(p.name)).filter((m): m is Date => m !== null && addMonths(m, 1) <= now);
  const expired: Date[] = [];
  for (const month of past) if (await noneKeeps(sql, month, now)) expired.push(month);
  return expired;
}

function noneKeeps(sql: postgres.Sql | postgres.TransactionSql, month: Date, now: Date) {
  const end = addMonths(month, 1);
  return sql<{ kept: boolean }[]>`
    select exists (
      select 1 from workspaces w
      where (jsonb_typeof(w.settings -> 'signalRetentionDays') is distinct from 'number'
          or ${end}::timestamptz > ${now}::timestamptz - (w.settings ->> 'signalRetentionDays')::int * interval '24 hours')
        and exists (select 1 from ${sql(partitionName(month))} s where s.workspace_id = w.id)
    ) as kept`.then(([r]) => !r!.kept);
}

/** Detaches an expired month (checked again under the lock); false when it is no longer attached or someone keeps it now. */
function detachMonth(sql: postgres.Sql, month: Date, now: Date): Promise<boolean> {
  const name = partitionName(month);
  return locked(sql, async (tx) => {
    const [attached] = await tx<{ n: number }[]>`
      select count(*)::int as n from pg_inherits where inhparent = 'signals'::regclass and inhrelid = to_regclass(${name})`;
    if (attached!.n === 0 || !(await noneKeeps(tx, month, now))) return false;
    await tx`alter table signals detach partition ${tx(name)}`;
    // Renamed in the same transaction: only a table this made is ever dropped, never one an operator detached.
    await tx`alter table ${tx(name)} rename to ${tx(expiredName(month))}`;
    return true;
  });
}

/**
 * Drops every detached month table: its ids leave the ledger, its customers are asked to
 * refresh (their features lose those signals), and each workspace's audit log says how many
 * of its signals went. One transaction per month.
 */
async function finishDetached(deps: Deps, result: PartitionMaintenance) {
  const { sql } = deps.database;
  const at = deps.clock();
  const detached = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r' and c.relname ~ '^signals_expired_[0-9]{4}_[0-9]{2}$'
    order by 1`;
  for (const { name } of detached) {
    const workspaces = await locked(sql, async (tx) => {
      const [still] = await tx<{ exists: boolean }[]>`select to_regclass(${name}) is not null as exists`;
      if (!still!.exists) return null;
      const table = tx(name);
      const counts = await tx<{ workspace_id: string; n: number }[]>`
        select workspace_id, count(*)::int as n from ${table} group by workspace_id order by workspace_id`;
      await tx`delete from signal_ids l using ${table} s where l.workspace_id = s.workspace_id and l.id = s.id`;
      await tx`
        insert into refresh_requests (workspace_id, customer_id, requested_at)
        select distinct workspace_id, customer_id, ${at}::timestamptz from ${table}`;
      const month = name.slice("signals_expired_".length).replace("_", "-");
      await recordAudit(
        tx,
        counts.map((c) => ({
          workspaceId: c.workspace_id,
          at,
          actor: "retention",
          action: "signals.expired",
          entityType: "workspace",
          entityId: c.workspace_id,
          detail: { month, signals: c.n },
        })),
      );
      await tx`drop table ${table}`;
      return counts;
    });
    if (!workspaces) continue;
    result.dropped.push(name.replace("signals_expired_", "signals_"));
    result.droppedSignals += workspaces.reduce((n, w) => n + w.n, 0);
    for (const w of workspaces) {
      await enqueueRefresh(deps, w.workspace_id).catch((err: unknown) => deps.log.warn("refresh not queued; the sweep will pick it up", { err }));
    }
  }
}
