import { describe, expect, it } from "vitest";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { draft, push, setTier } from "./support.ts";

const ctx = useTestContext();

/** Three rival apps and `rivalSpend` KRW at a rival in the last 30 days. */
const defection = (id: string, rivalSpend: number) => [
  signal.purchase(id, daysAgo(40), { data: { amount: 60_000 } }),
  signal.competitorAppUsage(id, daysAgo(3), { data: { competitor: "rival-beauty", app: "rival-beauty" } }),
  signal.competitorAppUsage(id, daysAgo(2), { data: { competitor: "glowmall", app: "glowmall" } }),
  signal.competitorAppUsage(id, daysAgo(1), { data: { competitor: "skinnow", app: "skinnow" } }),
  signal.competitorPurchase(id, daysAgo(1), { data: { competitor: "rival-beauty", amount: rivalSpend } }),
];

async function goldDefector(ws: TestWorkspace, id: string, rivalSpend: number) {
  await push(ctx, ws, defection(id, rivalSpend));
  await setTier(ctx, ws.id, id, "Gold", 3);
}

const dryRun = async (ws: TestWorkspace, json: unknown) => ctx.request("/v1/rules/dry-run", { key: ws.keys.marketer, json });

/** A workspace that chose English (a KRW workspace reads Korean unless it chooses). */
const english = async (ws: TestWorkspace) => {
  const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale: "en" } });
  expect(res.status).toBe(200);
};

describe("a dry run of the default competitor rule on the worked scenario", () => {
  it("matches a Gold customer with 3 competitor apps and 120,000 KRW competitor spend, and says why", async () => {
    const ws = await ctx.workspace();
    await english(ws);
    await goldDefector(ws, "vip", 120_000);
    const res = await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ rule: { id: "vip-competitor-defection", version: 1 }, tier: "Gold", matched: true, appliesToTier: true, wouldScore: true });
    expect(body.trace).toMatchObject({
      kind: "all",
      result: true,
      children: [
        { fact: "tier", factValue: "Gold", result: true },
        { fact: "competitorApps30d", factValue: 3, result: true },
        { fact: "competitorSpend30d", factValue: 120_000, result: true },
        // The pack asks for a shift, not just rival use: rival spend up on the usual, and own buying down.
        { fact: "competitorSpend30d", operator: "increasedByAtLeast", result: true },
        { kind: "any", result: true },
      ],
    });
    expect(body.sentences.slice(0, 3)).toEqual([
      "is a Gold customer",
      "uses 3 competitor apps (glowmall, rival-beauty, skinnow) in the last 30 days",
      "spent 120,000 KRW at competitors in the last 30 days against a usual 0 KRW (new)",
    ]);
    expect(body.facts).toMatchObject({ competitorApps30d: 3, competitorSpend30d: 120_000, tier: "Gold", churnProbability: null });
  });

  it("does not match at 90,000 KRW, and the trace shows the condition that failed", async () => {
    const ws = await ctx.workspace();
    await english(ws);
    await goldDefector(ws, "vip", 90_000);
    const body = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" }));
    expect(body.matched).toBe(false);
    expect(body.trace.children[2]).toMatchObject({ fact: "competitorSpend30d", factValue: 90_000, result: false });
    // A miss says what the condition needed.
    expect(body.sentences).toEqual(["spent 90,000 KRW at competitors in the last 30 days — needs at least 100,000 KRW"]);
  });

  it("says why in Korean in a KRW workspace that chose no language", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 120_000);
    const body = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" }));
    expect(body.sentences.slice(0, 3)).toEqual([
      "Gold 등급 고객",
      "최근 30일 경쟁사 앱 3개 사용 (glowmall, rival-beauty, skinnow)",
      "최근 30일 경쟁사 구매액 120,000원, 평소 0원 대비 (신규)",
    ]);
  });

  it("says a miss in Korean with what the condition needed", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 90_000);
    const body = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" }));
    expect(body.matched).toBe(false);
    expect(body.sentences).toEqual(["최근 30일 경쟁사 구매액 90,000원 — 기준 100,000원 이상"]);
  });

  it("says a miss in Korean in a workspace that chose Korean, whatever its currency", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { currency: "USD", fxRates: { KRW: 0.001 }, locale: "ko" } });
    expect(res.status).toBe(200);
    await push(ctx, ws, defection("new", 120_000));
    const body = await readJson(await dryRun(ws, { rule: draft({ conditions: { all: [{ fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 500 }] } }), customerId: "new" }));
    expect(body.sentences).toEqual(["최근 30일 경쟁사 구매액 120.00 USD — 기준 500.00 USD 이상"]);
  });
});

describe("dry runs", () => {
  it("refreshes the customer's features first, so a signal just pushed counts", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 90_000);
    await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" });
    await push(ctx, ws, [signal.competitorPurchase("vip", daysAgo(0.5), { data: { competitor: "glowmall", amount: 20_000 } })]);
    const body = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" }));
    expect(body).toMatchObject({ matched: true, facts: { competitorSpend30d: 110_000 } });
  });

  it("evaluates a draft rule from the body", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 90_000);
    const body = await readJson(await dryRun(ws, { rule: draft(), customerId: "vip" }));
    expect(body).toMatchObject({ rule: null, matched: true, appliesToTier: true, wouldScore: true });
  });

  it("evaluates an earlier version when one is named", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 90_000);
    await ctx.request("/v1/rules/vip-competitor-defection", {
      method: "PUT",
      key: ws.keys.marketer,
      json: draft({ conditions: { all: [{ fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 80_000 }] }, tiers: ["Gold"] }),
    });
    const v2 = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "vip" }));
    const v1 = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", version: 1, customerId: "vip" }));
    expect([v2.rule.version, v2.matched, v1.rule.version, v1.matched]).toEqual([2, true, 1, false]);
  });

  it("reports a customer without a tier as one the rule does not apply to", async () => {
    const ws = await ctx.workspace();
    await push(ctx, ws, defection("new", 120_000));
    const body = await readJson(await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "new" }));
    expect(body).toMatchObject({ tier: null, matched: false, appliesToTier: false, wouldScore: false });
    expect(body.sentences).toEqual(["아직 등급 없음 — 기준 Gold 이상"]);
  });

  it("reads the model's values when the customer has them", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 120_000);
    await ctx.database.sql`
      insert into customer_model_scores (workspace_id, customer_id, fit_id, scored_at, x, t_x, t, zbar, p_alive, expected_purchases_90d, churn_probability, clv, value_at_risk)
      values (${ws.id}, 'vip', 'fit-1', now(), 3, 10, 20, 60000, 0.4, 0.8, 0.72, 500000, 360000)`;
    const body = await readJson(
      await dryRun(ws, { rule: draft({ conditions: { all: [{ fact: "churnProbability", operator: "greaterThan", value: 0.7 }] } }), customerId: "vip" }),
    );
    expect(body).toMatchObject({ matched: true, sentences: ["이탈 확률 72%"], facts: { churnProbability: 0.72, valueAtRisk: 360_000 } });
  });

  it("answers 404 for an unknown customer or rule", async () => {
    const ws = await ctx.workspace();
    await goldDefector(ws, "vip", 120_000);
    expect((await dryRun(ws, { ruleId: "vip-competitor-defection", customerId: "nobody" })).status).toBe(404);
    expect((await dryRun(ws, { ruleId: "no-such-rule", customerId: "vip" })).status).toBe(404);
  });

  it("asks for exactly one of rule and ruleId, and validates a draft with paths under rule", async () => {
    const ws = await ctx.workspace();
    const neither = await dryRun(ws, { customerId: "vip" });
    expect(neither.status).toBe(422);
    expect((await readJson(neither)).errors[0].path).toBe("rule");
    const bad = await dryRun(ws, { rule: draft({ conditions: { all: [{ fact: "spend30d", operator: "greaterThan", value: true }] } }), customerId: "vip" });
    expect((await readJson(bad)).errors[0].path).toBe("rule.conditions.all[0].value");
  });
});
