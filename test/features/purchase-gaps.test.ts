// Seasonality-aware silence: the usual longest gap between purchases is the customer's own
// 90th-percentile gap, shrunk toward the workspace's spread of gaps when they have few.
import { describe, expect, it } from "vitest";
import { refreshFeatures } from "../../src/features/refresh.ts";
import { compileRule } from "../../rules/compile-js.ts";
import { defaultRulePack } from "../../rules/default-pack.ts";
import type { FactValues } from "../../rules/facts.ts";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const push = (ws: TestWorkspace, signals: unknown[]) => ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });
const features = async (ws: TestWorkspace, customerId: string) => {
  await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: [customerId] });
  return (await readJson(await ctx.request(`/v1/customers/${customerId}`, { key: ws.keys.manager }))).features;
};
// The default pack's silence rule: silent for a quarter longer than their usual longest gap.
const silence = defaultRulePack.find((r) => r.id === "vip-long-silence")!;
const gapLeaf = "all" in silence.conditions ? silence.conditions.all.find((c) => "fact" in c && c.fact === "gapSilenceRatio") : undefined;
const isSilent = (f: FactValues) => compileRule(gapLeaf!)(f).matched;

/** Purchases `daysBack` days ago (one per day). */
const buys = (id: string, daysBack: number[]) => daysBack.map((d) => signal.purchase(id, daysAgo(d)));

describe("purchase gaps", () => {
  it("a seasonal buyer's regular long gap is not silence; a steady buyer going quiet is", async () => {
    const ws = await ctx.workspace();
    // Two seasons a year ago and half a year ago, 5 purchases a week apart each; now 150 days since the last.
    const season = (end: number) => [end + 28, end + 21, end + 14, end + 7, end];
    await push(ws, buys("seasonal", [...season(515), ...season(335), ...season(150)]));
    // Bought every 10 days for most of a year, silent 45 days now.
    await push(ws, buys("steady", Array.from({ length: 30 }, (_, i) => 45 + 10 * i)));
    const s = await features(ws, "seasonal");
    expect(s.purchaseGaps).toBe(14);
    expect(s.daysSinceLastPurchase).toBeCloseTo(150, 0);
    // Their usual longest gap reflects the long gaps between seasons, not the weekly ones.
    expect(s.usualMaxGapDays).toBeGreaterThan(90);
    expect(gapLeaf).toBeDefined();
    expect(isSilent(s)).toBe(false);
    const t = await features(ws, "steady");
    expect(t.purchaseGaps).toBe(29);
    expect(t.purchaseGapP90Days).toBeCloseTo(10, 0);
    expect(t.usualMaxGapDays).toBeLessThan(20);
    expect(isSilent(t)).toBe(true);
    // The old measure fired on the seasonal buyer: 150 days is over twice their mean gap.
    expect(s.daysSinceLastPurchase / s.purchaseIntervalDays).toBeGreaterThan(2);
  });

  it("shrinks few gaps toward the mean gap times the workspace's spread, and many gaps hardly at all", async () => {
    const ws = await ctx.workspace();
    // One gap of 20 days: the own 90th percentile is 20, the prior 20 × ln 10 (no workspace spread yet).
    await push(ws, buys("few", [30, 10]));
    const few = await features(ws, "few");
    expect(few.purchaseGaps).toBe(1);
    expect(few.purchaseGapP90Days).toBeCloseTo(20, 6);
    expect(few.usualMaxGapDays).toBeCloseTo((1 * 20 + 4 * 20 * Math.LN10) / 5, 6);
    // Forty gaps of 7 days: the shrunk gap stays near their own (7 × (40 + 4 ln 10) / 44).
    await push(ws, buys("many", Array.from({ length: 41 }, (_, i) => 3 + 7 * i)));
    const many = await features(ws, "many");
    expect(many.purchaseGaps).toBe(40);
    expect(many.usualMaxGapDays).toBeCloseTo((40 * 7 + 4 * 7 * Math.LN10) / 44, 6);
    expect(many.usualMaxGapDays).toBeLessThan(9);
  });

  it("takes the workspace's spread from customers with many gaps once there are enough of them", async () => {
    const ws = await ctx.workspace();
    // 25 customers whose gaps alternate 5 and 25 days (mean 15, 90th percentile 25): spread 25/15.
    const ids = Array.from({ length: 25 }, (_, i) => `regular-${i}`);
    for (const id of ids) {
      const days: number[] = [2];
      for (let k = 0; k < 10; k++) days.push(days.at(-1)! + (k % 2 === 0 ? 5 : 25));
      await push(ws, buys(id, days));
    }
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ids });
    await push(ws, buys("newcomer", [40, 20]));
    const f = await features(ws, "newcomer");
    expect(f.usualMaxGapDays).toBeCloseTo((20 + 4 * 20 * (25 / 15)) / 5, 4);
  });
});
