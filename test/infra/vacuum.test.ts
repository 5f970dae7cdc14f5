// The scheduler's vacuum: tables the pipeline churns are vacuumed once their dead rows pass
// autovacuum's trigger, whether or not autovacuum is on, and the rest are left alone.
import { describe, expect, it } from "vitest";
import { requestRefresh } from "../../src/features/refresh.ts";
import { vacuumTables } from "../../src/infra/vacuum.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

/** This session's table statistics, sent now rather than within the next second. */
async function tableStats(table: string) {
  await ctx.database.sql`select pg_stat_force_next_flush()`;
  await ctx.database.sql`select pg_stat_clear_snapshot()`;
  const [row] = await ctx.database.sql<{ dead: number; vacuumed: Date | null }[]>`
    select n_dead_tup::int dead, greatest(last_vacuum, last_autovacuum) vacuumed from pg_stat_user_tables where relname = ${table}`;
  return row!;
}

/** Requests added and then drained, as a busy refresh queue leaves them: `n` dead rows. */
async function churnRefreshRequests(n: number) {
  const ws = await ctx.workspace();
  await requestRefresh(ctx.database.sql, ws.id, Array.from({ length: n }, (_, i) => `c-${i}`), ctx.clock());
  await ctx.database.sql`delete from refresh_requests where workspace_id = ${ws.id}`;
}

describe("vacuumTables", () => {
  it("vacuums a table whose dead rows passed the trigger, leaving none", async () => {
    await churnRefreshRequests(3_000);
    expect((await tableStats("refresh_requests")).dead).toBeGreaterThanOrEqual(3_000);

    const { tables } = await vacuumTables(ctx);

    expect(tables).toContainEqual(expect.objectContaining({ table: "public.refresh_requests", action: "vacuum" }));
    const after = await tableStats("refresh_requests");
    expect(after.dead).toBe(0);
    expect(after.vacuumed).not.toBeNull();
  });

  it("leaves a table under the trigger alone, and a second run finds nothing to do", async () => {
    await churnRefreshRequests(3_000);
    await tableStats("refresh_requests");
    await vacuumTables(ctx);
    await churnRefreshRequests(20);
    await tableStats("refresh_requests");

    const { tables } = await vacuumTables(ctx);

    expect(tables.map((t) => t.table)).not.toContain("public.refresh_requests");
  });
});
