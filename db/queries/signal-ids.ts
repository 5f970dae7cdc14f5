// Bulk loads that write `signals` directly (benchmarks, tests that stage a race) list every id
// in the idempotency ledger in the same statement, as ingest does (src/signals/store.ts).
import type postgres from "postgres";

/** Runs `insertIntoSignals` (an `insert into signals … select …` without `returning`) and lists its ids in signal_ids. */
export function insertSignalsWithIds(sql: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql, insertIntoSignals: postgres.PendingQuery<postgres.Row[]>) {
  return sql`
    with stored as (${insertIntoSignals} returning workspace_id, id, occurred_at)
    insert into signal_ids (workspace_id, id, occurred_at) select workspace_id, id, occurred_at from stored`;
}
