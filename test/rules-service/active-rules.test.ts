import { describe, expect, it } from "vitest";
import { defaultRulePack } from "../../rules/index.ts";
import { loadActiveRules } from "../../src/rules-service/active-rules.ts";
import { DEFAULT_NOW, readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { draft, push } from "./support.ts";

const ctx = useTestContext();

describe("loading the rules a workspace scores with", () => {
  it("gives the current version of every live or shadow rule, compiled to JS and SQL", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    const rules = await loadActiveRules(ctx, ws.id);
    expect(rules.map((r) => [r.id, r.version, r.definition.mode])).toEqual(
      [...defaultRulePack.map((r) => [r.id, 1, r.mode]), ["apps", 1, "shadow"]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    const apps = rules.find((r) => r.id === "apps")!;
    expect(apps.predicate({ competitorApps30d: 2 }).matched).toBe(true);
    expect(apps.sql).toEqual({ text: expect.stringContaining("f.competitor_apps_30d"), params: [2] });
  });

  it("leaves out rules that are off or deleted", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", key: ws.keys.marketer, json: { mode: "off" } });
    await ctx.request("/v1/rules/vip-long-silence", { method: "DELETE", key: ws.keys.marketer });
    const ids = (await loadActiveRules(ctx, ws.id)).map((r) => r.id);
    expect(ids).not.toContain("vip-order-drop");
    expect(ids).not.toContain("vip-long-silence");
    expect(ids).toHaveLength(defaultRulePack.length - 2);
  });

  it("reuses the compiled rules while no version changed", async () => {
    const ws = await ctx.workspace();
    const first = await loadActiveRules(ctx, ws.id);
    const second = await loadActiveRules(ctx, ws.id);
    expect(second).toBe(first);
  });

  it("sees an edit made elsewhere at the next call, recompiling only the changed rule", async () => {
    const ws = await ctx.workspace();
    const before = await loadActiveRules(ctx, ws.id);
    // Written straight to the database, as another process would: no in-process signal.
    await ctx.request("/v1/rules/competitor-shift", { method: "PATCH", key: ws.keys.marketer, json: { points: 5 } });
    const after = await loadActiveRules(ctx, ws.id);
    const shift = after.find((r) => r.id === "competitor-shift")!;
    expect([shift.version, shift.definition.points]).toEqual([2, 5]);
    const unchanged = (list: typeof before) => list.find((r) => r.id === "vip-order-drop");
    expect(unchanged(after)).toBe(unchanged(before));
  });

  it("keeps workspaces apart: the same rule id edited in one is unchanged in the other", async () => {
    const a = await ctx.workspace("A");
    const b = await ctx.workspace("B");
    await ctx.request("/v1/rules/competitor-shift", { method: "PATCH", key: a.keys.marketer, json: { points: 5 } });
    const inB = (await loadActiveRules(ctx, b.id)).find((r) => r.id === "competitor-shift")!;
    expect([inB.version, inB.definition.points]).toEqual([1, defaultRulePack.find((r) => r.id === "competitor-shift")!.points]);
  });
});

describe("the SQL a backtest runs and the JS a dry run runs", () => {
  it("flag the same customers", async () => {
    ctx.setNow(DEFAULT_NOW);
    const ws = await ctx.workspace();
    const ids = ["p1", "p2", "p3", "p4"];
    await push(ctx, ws, [
      ...ids.map((id, i) => signal.purchase(id, daysAgo(50 + i), { data: { amount: 40_000 * (i + 1) } })),
      signal.competitorPurchase("p1", daysAgo(3), { data: { amount: 80_000 } }),
      signal.competitorPurchase("p3", daysAgo(3), { data: { amount: 20_000 } }),
      signal.competitorAppUsage("p4", daysAgo(2)),
    ]);
    const rule = draft({
      conditions: {
        any: [
          { all: [{ fact: "competitorSpend30d", operator: "greaterThan", value: 50_000 }, { fact: "spend90d", operator: "lessThan", value: 100_000 }] },
          { not: { fact: "competitorNames30d", operator: "doesNotContain", value: "rival-beauty" } },
          { fact: "silenceRatio", operator: "greaterThan", value: 1 },
        ],
      },
    });
    const backtest = await readJson(await ctx.request("/v1/rules/backtest", { key: ws.keys.marketer, json: { asOf: DEFAULT_NOW.toISOString(), rule } }));
    const bySql = backtest.dates[0].flaggedCustomers.map((c: { customerId: string }) => c.customerId);
    const byJs: string[] = [];
    for (const id of ids) {
      const run = await readJson(await ctx.request("/v1/rules/dry-run", { key: ws.keys.marketer, json: { rule, customerId: id } }));
      if (run.matched) byJs.push(id);
    }
    expect(byJs).toEqual(["p1", "p3", "p4"]);
    expect(bySql).toEqual(byJs);
  });
});
