// Vacuum and analyze for the tables the pipeline rewrites all day. Every refreshed customer
// updates its features, score, tier and model rows, and every signal adds and then removes
// a refresh request: thousands of dead rows a second under load. Without a vacuum the drain's
// "oldest requests" read walks them all (bench/sql/dead-refresh-requests.sql: 12–100 ms a
// page over 300,000 dead requests, about 1 ms after VACUUM), and cost per refreshed customer climbs until the workers
// fall behind. PostgreSQL's autovacuum does this when it is on and keeps up; it can be off
// (as on this project's CI machines) or lag behind a queue-like table, so the scheduler runs
// this every VACUUM_EVERY_MS with autovacuum's own default triggers. Where autovacuum got
// there first, nothing is over the trigger and this costs one catalogue read.
import type { Deps } from "../deps.ts";

/** Autovacuum's defaults: vacuum past 50 + 20% of live rows dead, analyze past 50 + 10% changed. */
export const VACUUM_TRIGGER = { deadRows: 50, deadFraction: 0.2, changedRows: 50, changedFraction: 0.1 } as const;

export type TableVacuumed = { table: string; deadRows: number; changedRows: number; action: "vacuum" | "analyze"; ms: number };

/**
 * Vacuums (with analyze) every table of the service's database whose dead rows passed the
 * trigger, and analyzes those whose changes since the last analyze did; one at a time, most
 * dead rows first. Idempotent: a second run finds them under the trigger.
 */
export async function vacuumTables(deps: Deps): Promise<{ tables: TableVacuumed[] }> {
  const { sql } = deps.database;
  const t = VACUUM_TRIGGER;
  // Partitioned parents hold no rows (their partitions are listed on their own).
  const due = await sql<{ schema: string; table: string; dead: number; changed: number; vacuum: boolean }[]>`
    select schemaname as schema, relname as "table", n_dead_tup::int as dead, n_mod_since_analyze::int as changed,
           n_dead_tup > ${t.deadRows}::float8 + ${t.deadFraction}::float8 * n_live_tup as vacuum
    from pg_stat_user_tables
    where n_dead_tup > ${t.deadRows}::float8 + ${t.deadFraction}::float8 * n_live_tup
       or n_mod_since_analyze > ${t.changedRows}::float8 + ${t.changedFraction}::float8 * n_live_tup
    order by n_dead_tup desc`;
  const tables: TableVacuumed[] = [];
  for (const d of due) {
    const started = performance.now();
    const name = `${quoteIdent(d.schema)}.${quoteIdent(d.table)}`;
    // VACUUM cannot run inside a transaction: a plain pooled statement.
    await sql.unsafe(d.vacuum ? `vacuum (analyze) ${name}` : `analyze ${name}`);
    tables.push({ table: `${d.schema}.${d.table}`, deadRows: d.dead, changedRows: d.changed, action: d.vacuum ? "vacuum" : "analyze", ms: Math.round(performance.now() - started) });
  }
  if (tables.length > 0) deps.log.debug("tables vacuumed", { tables });
  return { tables };
}

/** Whether PostgreSQL's autovacuum is on, for the start-up log. */
export async function autovacuumIsOn(deps: Deps): Promise<boolean> {
  const [row] = await deps.database.sql<{ autovacuum: string }[]>`show autovacuum`;
  return row?.autovacuum === "on";
}

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
