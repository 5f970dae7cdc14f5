// A replay run where no scheduler runs (the CLI, the benches) keeps its tables vacuumed as the
// scheduler would beside a live service; one run by the service leaves that to the scheduler.
import { describe, expect, it } from "vitest";
import { requestRefresh } from "../../src/features/refresh.ts";
import { runReplay } from "../../src/replay/engine.ts";
import { createScratchWorkspace, removeScratchWorkspace } from "../../src/replay/scratch.ts";
import { arraySource } from "../../src/replay/source.ts";
import { signal } from "../support/factories.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

const history = () => [signal.purchase("cust-1", "2026-02-10T10:00:00Z", { data: { amount: 30_000 } })];

/**
 * Dead refresh requests past the vacuum's trigger, as a drained history leaves them, with this
 * session's statistics sent now (PostgreSQL sends them within seconds; a replay's first chance
 * to vacuum comes sooner). Returns the manual vacuums of the table so far (autovacuum's are
 * counted apart).
 */
async function deadRefreshRequests() {
  const ws = await ctx.workspace();
  await requestRefresh(ctx.database.sql, ws.id, Array.from({ length: 3_000 }, (_, i) => `c-${i}`), ctx.clock());
  await ctx.database.sql`delete from refresh_requests where workspace_id = ${ws.id}`;
  await ctx.database.sql`select pg_stat_force_next_flush()`;
  return vacuumsOfRefreshRequests();
}

async function vacuumsOfRefreshRequests() {
  await ctx.database.sql`select pg_stat_clear_snapshot()`;
  const [row] = await ctx.database.sql<{ n: number }[]>`select vacuum_count::int as n from pg_stat_user_tables where relname = 'refresh_requests'`;
  return row!.n;
}

async function replay(vacuum: boolean | undefined) {
  const ws = await createScratchWorkspace(ctx, { name: "replay" });
  try {
    await runReplay(ctx, { workspaceId: ws, source: arraySource(history()), from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-03T00:00:00Z"), vacuum });
  } finally {
    await removeScratchWorkspace(ctx, ws);
  }
}

describe("replay maintenance", () => {
  it("vacuums the drained refresh requests when asked to (no scheduler beside it)", { timeout: 120_000 }, async () => {
    const before = await deadRefreshRequests();
    await replay(true);
    expect(await vacuumsOfRefreshRequests()).toBeGreaterThan(before);
  });

  it("leaves vacuuming to the scheduler by default", { timeout: 120_000 }, async () => {
    const before = await deadRefreshRequests();
    await replay(undefined);
    expect(await vacuumsOfRefreshRequests()).toBe(before);
  });
});
