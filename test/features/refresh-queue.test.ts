// How queued refreshes share a shard: a job that finds the shard's drain running leaves the
// work to it instead of waiting, and a drain that ends with a request waiting queues again.
import { describe, expect, it } from "vitest";
import { drainRefreshRequests, requeueIfWaiting, requestRefresh } from "../../src/features/refresh.ts";
import { eventually, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

/** The refresh shard of a customer id, as the drain computes it. */
async function shardOf(customerId: string) {
  const [{ shard } = { shard: 0 }] = await ctx.database.sql<{ shard: number }[]>`
    select (hashtext(${customerId}) & 2147483647) % ${ctx.config.REFRESH_SHARDS}::int as shard`;
  return shard;
}

const waiting = async (workspaceId: string) =>
  (await ctx.database.sql`select 1 from refresh_requests where workspace_id = ${workspaceId}`).length;

describe("queued refreshes", () => {
  it("leave at once, doing nothing, when the shard's drain is running", async () => {
    const ws = await ctx.workspace();
    const shard = await shardOf("c-1");
    await requestRefresh(ctx.database.sql, ws.id, ["c-1"], ctx.clock());
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // Another drain of the same shard, holding its lock.
    const other = ctx.database.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('refresh'), hashtext(${`${ws.id}/${shard}`}))`;
      locked();
      await held;
    });
    await isLocked;
    const refreshed: string[] = [];
    const outcome = await Promise.race([
      drainRefreshRequests(ctx, { workspaceId: ws.id, shard, wait: false }, async (ids) => void refreshed.push(...ids)),
      new Promise((r) => setTimeout(() => r("blocked"), 5_000)),
    ]);
    release();
    await other;
    expect(outcome).toEqual({ customers: 0, busy: true });
    expect(refreshed).toEqual([]);
    expect(await waiting(ws.id)).toBe(1);
  });

  it("are queued again when a drain ends with a request waiting in its shard", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [signal.purchase("late", daysAgo(1))] } });
    ctx.startWorkers();
    const refreshed = async () =>
      (await ctx.database.sql`select 1 from customer_features where workspace_id = ${ws.id} and customer_id = 'late'`).length === 1 &&
      (await waiting(ws.id)) === 0;
    await eventually(async () => ((await refreshed()) ? true : undefined));
    // A request no job was queued for, as when ingest's job left while another drain ran
    // and that drain had read its last page before the request was committed.
    await ctx.database.sql`delete from customer_features where workspace_id = ${ws.id}`;
    await requestRefresh(ctx.database.sql, ws.id, ["late"], ctx.clock());
    expect(await requeueIfWaiting(ctx, ws.id, await shardOf("late"))).toBe(true);
    await eventually(async () => ((await refreshed()) ? true : undefined));
  });

  it("are not queued again when the shard has nothing waiting", async () => {
    const ws = await ctx.workspace();
    expect(await requeueIfWaiting(ctx, ws.id, 0)).toBe(false);
  });

  it("hold no snapshot while a drain runs, so VACUUM can remove the rows that die meanwhile", async () => {
    const ws = await ctx.workspace();
    const shard = await shardOf("c-1");
    await requestRefresh(ctx.database.sql, ws.id, ["c-1"], ctx.clock());
    let holding: readonly unknown[] = ["not read"];
    await drainRefreshRequests(ctx, { workspaceId: ws.id, shard, wait: false }, async () => {
      // The drain's lock transaction sits idle while its page is refreshed: it must not pin the
      // oldest row version VACUUM has to keep (backend_xmin).
      holding = await ctx.database.sql`
        select pid from pg_stat_activity
        where datname = current_database() and state = 'idle in transaction' and backend_xmin is not null`;
    });
    expect(holding).toEqual([]);
  });
});
