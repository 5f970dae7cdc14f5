import { describe, expect, it } from "vitest";
import { drainRefreshRequests, refreshFeatures, sweepStaleFeatures } from "../../src/features/refresh.ts";
import { eventually, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const push = (ws: TestWorkspace, signals: unknown[]) => ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });
const features = async (ws: TestWorkspace, customerId: string) => {
  await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: [customerId] });
  return (await readJson(await ctx.request(`/v1/customers/${customerId}`, { key: ws.keys.manager }))).features;
};

describe("features", () => {
  it("sums spend and counts orders over 30, 90 and 180 days", async () => {
    const ws = await ctx.workspace();
    await push(ws, [
      signal.purchase("c", daysAgo(10), { data: { amount: 100_000 } }),
      signal.purchase("c", daysAgo(60), { data: { amount: 50_000 } }),
      signal.purchase("c", daysAgo(120), { data: { amount: 30_000 } }),
      signal.purchase("c", daysAgo(400), { data: { amount: 999_000 } }),
    ]);
    expect(await features(ws, "c")).toMatchObject({
      spend30d: 100_000, spend90d: 150_000, spend180d: 180_000,
      orders30d: 1, orders90d: 2, orders180d: 3, ordersTotal: 4, spendTotal: 1_179_000,
      aov90d: 75_000,
    });
  });

  it("measures recency and the usual purchase interval", async () => {
    const ws = await ctx.workspace();
    await push(ws, [signal.purchase("c", daysAgo(50)), signal.purchase("c", daysAgo(30)), signal.purchase("c", daysAgo(10))]);
    const f = await features(ws, "c");
    expect(f.daysSinceLastPurchase).toBeCloseTo(10, 6);
    expect(f.purchaseIntervalDays).toBeCloseTo(20, 6);
  });

  it("counts sessions and active days over 7 and 30 days", async () => {
    const ws = await ctx.workspace();
    await push(ws, [
      signal.session("c", daysAgo(1)), signal.session("c", daysAgo(1.1)), signal.session("c", daysAgo(5)),
      signal.session("c", daysAgo(20)), signal.purchase("c", daysAgo(25)),
    ]);
    expect(await features(ws, "c")).toMatchObject({ sessions7d: 3, sessions30d: 4, activeDays7d: 2, activeDays30d: 4 });
  });

  it("counts distinct competitor apps, lists them, and sums competitor spend", async () => {
    const ws = await ctx.workspace();
    await push(ws, [
      signal.competitorAppUsage("c", daysAgo(2), { data: { competitor: "rival-beauty", app: "Rival Beauty" } }),
      signal.competitorAppUsage("c", daysAgo(3), { data: { competitor: "rival-beauty", app: "Rival Beauty" } }),
      signal.competitorAppUsage("c", daysAgo(4), { data: { competitor: "glowmall", app: "GlowMall" } }),
      signal.competitorAppUsage("c", daysAgo(60), { data: { competitor: "skinnow", app: "SkinNow" } }),
      signal.competitorPurchase("c", daysAgo(5), { data: { amount: 70_000 } }),
      signal.competitorPurchase("c", daysAgo(45), { data: { amount: 20_000 } }),
    ]);
    expect(await features(ws, "c")).toMatchObject({
      competitorApps30d: 2, competitorApps90d: 3,
      competitorAppNames30d: ["GlowMall", "Rival Beauty"],
      competitorSpend30d: 70_000, competitorSpend90d: 90_000,
    });
  });

  it("counts app usage whose period reaches into the window even if it began before", async () => {
    const ws = await ctx.workspace();
    await push(ws, [signal.competitorAppUsage("c", daysAgo(40), { period: { start: daysAgo(40), end: daysAgo(20) } })]);
    expect((await features(ws, "c")).competitorApps30d).toBe(1);
  });

  it("compares the last 30 days against the customer's own baseline", async () => {
    const ws = await ctx.workspace();
    // Baseline window (30–210 days ago): 12 orders → 2 per 30 days; last 30 days: 1 order.
    const old = Array.from({ length: 12 }, (_, i) => signal.purchase("c", daysAgo(40 + i * 14), { data: { amount: 60_000 } }));
    await push(ws, [...old, signal.purchase("c", daysAgo(5), { data: { amount: 60_000 } })]);
    const f = await features(ws, "c");
    expect(f.orders30dBaseline).toBeCloseTo(2, 6);
    expect(f.orders30dChange).toBeCloseTo(-0.5, 6);
    expect(f.spend30dBaseline).toBeCloseTo(120_000, 6);
  });

  it("finds the most repeated category over 180 days", async () => {
    const ws = await ctx.workspace();
    await push(ws, [
      signal.purchase("c", daysAgo(1), { data: { category: "makeup" } }),
      signal.purchase("c", daysAgo(2), { data: { category: "skincare" } }),
      signal.purchase("c", daysAgo(3), { data: { category: "skincare" } }),
      signal.purchase("c", daysAgo(4), { data: { category: "skincare" } }),
    ]);
    expect(await features(ws, "c")).toMatchObject({ categoryRepeatMax180d: 3, topCategory180d: "skincare" });
  });

  it("gives the same features whatever order signals arrive in and however often", async () => {
    const ws = await ctx.workspace();
    const history = [
      signal.purchase("a", daysAgo(50), { data: { amount: 40_000 } }),
      signal.purchase("a", daysAgo(8), { data: { amount: 70_000 } }),
      signal.session("a", daysAgo(3)),
      signal.competitorAppUsage("a", daysAgo(2)),
      signal.competitorPurchase("a", daysAgo(1)),
      signal.refund("a", daysAgo(7)),
    ];
    const inOrder = history.map((s) => ({ ...s, customerId: "in-order", id: `io-${s.id}` }));
    const shuffled = [...history].reverse().map((s) => ({ ...s, customerId: "shuffled", id: `sh-${s.id}` }));
    await push(ws, inOrder);
    await push(ws, shuffled.slice(0, 3));
    await features(ws, "shuffled");
    await push(ws, shuffled);
    await push(ws, shuffled.slice(2));
    const strip = ({ watermark: _w, updatedAt: _u, ...f }: Record<string, unknown>) => f;
    expect(strip(await features(ws, "shuffled"))).toEqual(strip(await features(ws, "in-order")));
  });

  it("ignores untrusted providers, stale evidence and low confidence", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/workspace/settings", {
      method: "PATCH",
      key: ws.keys.admin,
      json: { trustedProviders: ["panel-co"], freshnessDays: { default: 90, "panel-co": 10 }, minConfidence: 0.5 },
    });
    await push(ws, [
      signal.competitorAppUsage("c", daysAgo(2), { source: "panel-co", data: { app: "Fresh" } }),
      signal.competitorAppUsage("c", daysAgo(20), { source: "panel-co", data: { app: "Stale" } }),
      signal.competitorAppUsage("c", daysAgo(2), { source: "gossip-inc", data: { app: "Untrusted" } }),
      signal.competitorAppUsage("c", daysAgo(2), { source: "panel-co", confidence: 0.2, data: { app: "Unsure" } }),
    ]);
    expect((await features(ws, "c")).competitorAppNames30d).toEqual(["Fresh"]);
  });

  it("never lets an older computation overwrite a newer one", async () => {
    const ws = await ctx.workspace();
    await push(ws, [signal.purchase("c", daysAgo(1))]);
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    ctx.setNow(new Date(ctx.clock().getTime() - 5 * 86_400_000));
    try {
      await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    } finally {
      ctx.setNow("2026-11-20T12:00:00Z");
    }
    const [row] = await ctx.database.sql`select as_of from customer_features where workspace_id = ${ws.id} and customer_id = 'c'`;
    expect(row!.as_of.toISOString()).toBe("2026-11-20T12:00:00.000Z");
  });

  // Before any test starts the workers: a queued job would drain the request first.
  it("keeps a request added while its page was refreshed, even with an older requested_at", async () => {
    const ws = await ctx.workspace();
    await push(ws, [signal.purchase("renewed", daysAgo(1))]);
    const [{ shard } = { shard: 0 }] = await ctx.database.sql<{ shard: number }[]>`
      select (hashtext('renewed') & 2147483647) % ${ctx.config.REFRESH_SHARDS}::int as shard`;
    const pages: string[][] = [];
    await drainRefreshRequests(ctx, { workspaceId: ws.id, shard }, async (ids) => {
      pages.push(ids);
      await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ids });
      // An ingest that committed after the features were computed, with an older received_at.
      if (pages.length === 1) {
        await ctx.database.sql`insert into refresh_requests (workspace_id, customer_id, requested_at)
          select workspace_id, customer_id, requested_at - interval '1 second' from refresh_requests where workspace_id = ${ws.id}`;
      }
    });
    expect(pages).toEqual([["renewed"], ["renewed"]]);
    // The drain records the newest signal it saw on the customer; the profile is not stale.
    const [row] = await ctx.database.sql`select c.last_signal_at, f.watermark from customers c
      join customer_features f on f.workspace_id = c.workspace_id and f.customer_id = c.id
      where c.workspace_id = ${ws.id} and c.id = 'renewed'`;
    expect(row!.last_signal_at).toEqual(row!.watermark);
    const body = await readJson(await ctx.request("/v1/customers/renewed", { key: ws.keys.manager }));
    expect(body.featuresStale).toBe(false);
    expect(body.lastSignalAt).toBe(row!.watermark.toISOString());
  });

  it("refreshes features in a queued job after signals are stored", async () => {
    const ws = await ctx.workspace();
    ctx.startWorkers();
    await push(ws, [signal.purchase("queued", daysAgo(1), { data: { amount: 77_000 } })]);
    const f = await eventually(async () => {
      const body = await readJson(await ctx.request("/v1/customers/queued", { key: ws.keys.manager }));
      return body.features && !body.featuresStale ? body.features : undefined;
    });
    expect(f.spend30d).toBe(77_000);
  });

  it("finds customers whose features are older than their signals and queues them again", async () => {
    const ws = await ctx.workspace();
    // As if both the queue message and the refresh request had been lost after the commit.
    await push(ws, [signal.purchase("lost", daysAgo(1))]);
    await ctx.database.sql`delete from customer_features where workspace_id = ${ws.id}`;
    await ctx.database.sql`delete from refresh_requests where workspace_id = ${ws.id}`;
    const result = await sweepStaleFeatures(ctx);
    expect(result.requested).toBeGreaterThanOrEqual(1);
    ctx.startWorkers();
    await eventually(async () => {
      const rows = await ctx.database.sql`select 1 from customer_features where workspace_id = ${ws.id} and customer_id = 'lost'`;
      return rows.length > 0 ? true : undefined;
    });
  });
});
