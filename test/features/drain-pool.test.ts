// Refresh drains share the process's connection pool: each holds one connection for its
// advisory lock and needs others for its pages. More drains at once than the pool has
// connections (several queue shards × worker concurrency) must still all finish.
import { describe, expect, it } from "vitest";
import { drainRefreshRequests, requestRefresh } from "../../src/features/refresh.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("refresh drains", () => {
  it("all finish when more of them run at once than the pool has connections", async () => {
    const { sql } = ctx.database;
    const drains: { workspaceId: string; shard: number }[] = [];
    for (let i = 0; i < sql.options.max + 3; i++) {
      const ws = await ctx.workspace();
      await requestRefresh(sql, ws.id, ["c-1"], ctx.clock());
      // The customer's refresh shard, as the drain computes it.
      const [{ shard } = { shard: 0 }] = await sql<{ shard: number }[]>`select (hashtext('c-1') & 2147483647) % ${ctx.config.REFRESH_SHARDS}::int as shard`;
      drains.push({ workspaceId: ws.id, shard });
    }
    let refreshed = 0;
    const all = Promise.all(
      drains.map((d) =>
        drainRefreshRequests(ctx, d, async () => {
          // A page's work on the pool, as refreshCustomers does.
          await sql`select pg_sleep(0.05)`;
          refreshed++;
        }),
      ),
    );
    const outcome = await Promise.race([all.then(() => "finished"), new Promise((r) => setTimeout(() => r("stuck"), 15_000))]);
    expect(outcome).toBe("finished");
    expect(refreshed).toBe(drains.length);
  });
});
