import { describe, expect, it } from "vitest";
import { promoteTiers, reevaluateTiers } from "../../src/tiers/evaluate.ts";
import { defaultTierSettings } from "../../src/tiers/settings.ts";
import { tierFor, tierScore, type TierInputs } from "../../src/tiers/tiers.ts";
import { refreshFeatures } from "../../src/features/refresh.ts";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const inputs = (o: Partial<TierInputs> = {}): TierInputs => ({
  spend180d: 0, spend90d: 0, aov180d: null, orders180d: 0, spendTotal: 0, daysSinceLastPurchase: null,
  activeDays30d: 0, sessions30d: 0, categoryRepeatMax180d: 0, ...o,
});

describe("tier rules (pure)", () => {
  it("gives a customer with nothing Bronze", () => {
    const f = inputs();
    expect(tierFor(f, tierScore(f, defaultTierSettings).score, null, defaultTierSettings).tier).toBe("Bronze");
  });

  it("reaches Diamond with full marks on every part", () => {
    const f = inputs({ spend180d: 1e7, aov180d: 1e6, orders180d: 50, daysSinceLastPurchase: 0, activeDays30d: 30, sessions30d: 60 });
    const { score } = tierScore(f, defaultTierSettings);
    expect(score).toBe(100);
    expect(tierFor(f, score, null, defaultTierSettings).tier).toBe("Diamond");
  });

  it("lifts a customer to a floor they reach: 300,000 KRW in 180 days is at least Gold", () => {
    const f = inputs({ spend180d: 300_000, orders180d: 1, aov180d: 300_000, daysSinceLastPurchase: 170 });
    const result = tierFor(f, tierScore(f, defaultTierSettings).score, null, defaultTierSettings);
    expect(result).toMatchObject({ tier: "Gold", reason: expect.stringContaining("spend180d") });
  });

  it("says why in the language asked for: the floor's fact by its Korean label, or in English", () => {
    const f = inputs({ spend180d: 300_000, orders180d: 1, aov180d: 300_000, daysSinceLastPurchase: 170 });
    const score = tierScore(f, defaultTierSettings).score;
    expect(tierFor(f, score, null, defaultTierSettings, "ko").reason).toBe("최근 180일 구매액 300,000, Gold 최소 기준 300,000 충족");
    expect(tierFor(f, score, null, defaultTierSettings, "en").reason).toBe("spend180d 300,000 reaches the Gold floor of 300,000");
    expect(tierFor(inputs(), 0, null, defaultTierSettings, "ko").reason).toBe("종합 점수 0.0점, Bronze 기준 충족");
  });

  it("cuts by percentile when the workspace chooses relative tiers", () => {
    const s = { ...defaultTierSettings, method: "relative" as const, floors: [], cutoffs: { Silver: 0.5, Gold: 0.8, Platinum: 0.95, Diamond: 0.99 } };
    expect(tierFor(inputs(), 10, 0.85, s).tier).toBe("Gold");
    expect(tierFor(inputs(), 90, 0.3, s).tier).toBe("Bronze");
  });

  it("weights the parts as configured", () => {
    const f = inputs({ orders180d: 6 });
    const onlyFrequency = { ...defaultTierSettings, weights: { monetary: 0, frequency: 1, recency: 0, engagement: 0 } };
    expect(tierScore(f, onlyFrequency).score).toBe(100);
  });
});

describe("tier assignment", () => {
  const push = (ws: TestWorkspace, signals: unknown[]) => ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });

  it("promotes a customer who crosses upward at once and keeps why", async () => {
    const ws = await ctx.workspace();
    await push(ws, [signal.purchase("c", daysAgo(10), { data: { amount: 20_000 } })]);
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    await push(ws, [signal.purchase("c", daysAgo(1), { data: { amount: 400_000 } })]);
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    const profile = await readJson(await ctx.request("/v1/customers/c", { key: ws.keys.manager }));
    expect(profile.tier).toMatchObject({ tier: "Gold", since: DEFAULT_NOW.toISOString(), parts: expect.objectContaining({ monetary: expect.any(Number) }) });
    const history = await ctx.database.sql`select from_tier, to_tier, reason from tier_history where workspace_id = ${ws.id} order by id`;
    expect(history.map((h) => [h.from_tier, h.to_tier])).toEqual([[null, "Silver"], ["Silver", "Gold"]]);
    // A KRW workspace with no language chosen writes its tier reasons in Korean.
    expect(history[1]!.reason).toMatch(/^기간 중 승급: /);
  });

  it("writes an English workspace's tier reasons in English", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale: "en" } })).status).toBe(200);
    await push(ws, [signal.purchase("c", daysAgo(10), { data: { amount: 20_000 } })]);
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    const [first] = await ctx.database.sql`select reason from tier_history where workspace_id = ${ws.id}`;
    expect(first!.reason).toMatch(/^first evaluation: composite score [\d.]+ reaches the \w+ cut-off$/);
  });

  it("does not demote between scheduled evaluations, and the scheduled one does", async () => {
    const ws = await ctx.workspace();
    await push(ws, [signal.purchase("c", daysAgo(1), { data: { amount: 400_000 } })]);
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
    // Half a year later the purchase has left every window.
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 200 * 86_400_000));
    try {
      await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
      await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
      const [kept] = await ctx.database.sql`select tier from customer_tiers where workspace_id = ${ws.id}`;
      expect(kept!.tier).toBe("Gold");
      expect(await reevaluateTiers(ctx, { workspaceId: ws.id })).toEqual({ evaluated: 1, changed: 1 });
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
    const [now] = await ctx.database.sql`select tier from customer_tiers where workspace_id = ${ws.id}`;
    expect(now!.tier).toBe("Bronze");
    const [last] = await ctx.database.sql`select reason from tier_history where workspace_id = ${ws.id} order by id desc limit 1`;
    expect(last!.reason).toMatch(/^정기 재평가: /);
  });

  describe("GET /v1/customers/{id}/tiers", () => {
    const DAY = 86_400_000;
    /** Silver five days before DEFAULT_NOW, Gold at DEFAULT_NOW. */
    const silverThenGold = async () => {
      const ws = await ctx.workspace();
      ctx.setNow(new Date(DEFAULT_NOW.getTime() - 5 * DAY));
      try {
        await push(ws, [signal.purchase("c", daysAgo(10), { data: { amount: 20_000 } })]);
        await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
        await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
      } finally {
        ctx.setNow(DEFAULT_NOW);
      }
      await push(ws, [signal.purchase("c", daysAgo(1), { data: { amount: 400_000 } })]);
      await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ["c"] });
      await promoteTiers(ctx, { workspaceId: ws.id, customerIds: ["c"] });
      return ws;
    };
    const tiers = async (ws: TestWorkspace, query = "") => ctx.request(`/v1/customers/c/tiers${query}`, { key: ws.keys.manager });

    it("serves every change with its reason, newest first, and the tier in force now", async () => {
      const ws = await silverThenGold();
      const body = await readJson(await tiers(ws));
      expect(body.tier).toMatchObject({ tier: "Gold", since: DEFAULT_NOW.toISOString(), reason: expect.stringMatching(/^기간 중 승급: /) });
      expect(body.changes.map((c: { fromTier: string | null; toTier: string }) => [c.fromTier, c.toTier])).toEqual([["Silver", "Gold"], [null, "Silver"]]);
      expect(body.changes[1].parts).toEqual(expect.objectContaining({ monetary: expect.any(Number) }));
    });

    it("reproduces the tier as of a past moment from the changes up to it", async () => {
      const ws = await silverThenGold();
      const between = await readJson(await tiers(ws, `?asOf=${new Date(DEFAULT_NOW.getTime() - DAY).toISOString()}`));
      expect(between.tier).toMatchObject({ tier: "Silver", since: new Date(DEFAULT_NOW.getTime() - 5 * DAY).toISOString() });
      expect(between.changes).toHaveLength(1);
      const before = await readJson(await tiers(ws, `?asOf=${new Date(DEFAULT_NOW.getTime() - 6 * DAY).toISOString()}`));
      expect(before).toMatchObject({ tier: null, changes: [] });
    });

    it("refuses an asOf that is not a moment, naming the field", async () => {
      const ws = await silverThenGold();
      const res = await tiers(ws, "?asOf=last-tuesday");
      expect(res.status).toBe(422);
      expect((await readJson(res)).errors).toEqual([expect.objectContaining({ path: "query.asOf" })]);
    });
  });
});
