import { describe, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import { defaultRulePack } from "../../rules/default-pack.ts";
import { packRuleSchema, ruleAppliesToTier, ruleDefinitionSchema } from "../../rules/definition.ts";
import { explainTrace } from "../../rules/explain.ts";
import type { FactValues } from "../../rules/facts.ts";
import { tierNames } from "../../rules/vocabulary.ts";

const rule = (id: string) => {
  const r = defaultRulePack.find((r) => r.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return { ...r, predicate: compileRule(r.conditions) };
};
const matches = (id: string, facts: FactValues) => {
  const r = rule(id);
  return ruleAppliesToTier(r, facts.tier) && r.predicate(facts).matched;
};

describe("default rule pack", () => {
  test.each(defaultRulePack.map((r) => [r.id, r] as const))("%s validates as a pack rule", (_id, r) => {
    expect(packRuleSchema.safeParse(r).error?.issues ?? []).toEqual([]);
  });

  test("has unique ids", () => {
    expect(new Set(defaultRulePack.map((r) => r.id)).size).toBe(defaultRulePack.length);
  });

  test("adds up to at most 100 points, so a customer hitting every rule stays on the scale", () => {
    expect(defaultRulePack.reduce((sum, r) => sum + r.points, 0)).toBeLessThanOrEqual(100);
  });

  test("applies each rule to exactly the tiers its tier condition admits", () => {
    for (const r of defaultRulePack) {
      const tierLeaf = "all" in r.conditions ? r.conditions.all.find((c) => "fact" in c && c.fact === "tier") : undefined;
      if (!tierLeaf) continue;
      const admitted = tierNames.filter((tier) => compileRule(tierLeaf)({ tier }).matched);
      expect(r.tiers, r.id).toEqual(admitted);
    }
  });

  describe("vip-competitor-defection (the worked scenario)", () => {
    const gold: FactValues = { tier: "Gold", competitorApps30d: 3, competitorAppNames30d: ["rival-beauty", "glowmall", "skinnow"], competitorSpend30d: 120_000 };

    test("matches a Gold customer with 3 competitor apps and 120,000 KRW at a rival in 30 days", () => {
      expect(matches("vip-competitor-defection", gold)).toBe(true);
    });

    test("does not match the same customer at 90,000 KRW", () => {
      expect(matches("vip-competitor-defection", { ...gold, competitorSpend30d: 90_000 })).toBe(false);
    });

    test("does not match the same customer as Bronze", () => {
      expect(matches("vip-competitor-defection", { ...gold, tier: "Bronze" })).toBe(false);
      expect(rule("vip-competitor-defection").predicate({ ...gold, tier: "Bronze" }).matched).toBe(false);
    });

    test("explains itself in words", () => {
      const { trace } = rule("vip-competitor-defection").predicate(gold);
      expect(explainTrace(trace)).toEqual([
        "is a Gold customer",
        "uses 3 competitor apps (rival-beauty, glowmall, skinnow) in the last 30 days",
        "spent 120,000 KRW at competitors in the last 30 days",
      ]);
    });
  });

  test("vip-order-drop matches a VIP whose orders halved against a usual of at least 3, not one with a small usual", () => {
    expect(matches("vip-order-drop", { tier: "Platinum", orders30d: 1, orders30dBaseline: 3 })).toBe(true);
    expect(matches("vip-order-drop", { tier: "Platinum", orders30d: 0, orders30dBaseline: 2 })).toBe(false);
  });

  test("vip-long-silence matches a VIP silent for more than twice their usual interval", () => {
    const facts: FactValues = { tier: "Gold", daysSinceLastPurchase: 50, purchaseIntervalDays: 24, ordersTotal: 6 };
    expect(matches("vip-long-silence", facts)).toBe(true);
    expect(matches("vip-long-silence", { ...facts, daysSinceLastPurchase: 40 })).toBe(false);
    expect(matches("vip-long-silence", { ...facts, ordersTotal: 2 })).toBe(false);
  });

  test("competitor-shift matches rising competitor spend with falling own spend, in any tier", () => {
    const facts: FactValues = { tier: "Bronze", competitorSpend30d: 60_000, competitorSpend30dBaseline: 30_000, spend30d: 30_000, spend30dBaseline: 60_000 };
    expect(matches("competitor-shift", facts)).toBe(true);
    expect(matches("competitor-shift", { ...facts, spend30d: 50_000 })).toBe(false);
  });

  test("competitor-shift counts new competitor spend, above its floor", () => {
    const facts: FactValues = { tier: "Silver", competitorSpend30d: 40_000, competitorSpend30dBaseline: 0, spend30d: 0, spend30dBaseline: 50_000 };
    expect(matches("competitor-shift", facts)).toBe(true);
    expect(matches("competitor-shift", { ...facts, competitorSpend30d: 5_000 })).toBe(false);
  });

  test("premium-high-severity-ticket matches Platinum and Diamond customers with a high-severity ticket, not Gold", () => {
    expect(matches("premium-high-severity-ticket", { tier: "Diamond", highSeverityTickets30d: 1 })).toBe(true);
    expect(matches("premium-high-severity-ticket", { tier: "Gold", highSeverityTickets30d: 1 })).toBe(false);
    expect(matches("premium-high-severity-ticket", { tier: "Platinum", highSeverityTickets30d: 0 })).toBe(false);
  });
});

describe("ruleDefinitionSchema", () => {
  const valid = {
    name: "Test",
    description: "",
    conditions: { fact: "spend30d", operator: "greaterThan", value: 1 },
    tiers: ["Gold"],
    points: 10,
    severity: "low",
    cooldownDays: 7,
    actions: { campaign: "win-back", task: true },
  };

  test("starts new rules in shadow mode", () => {
    expect(ruleDefinitionSchema.parse(valid).mode).toBe("shadow");
  });

  test("refuses points above 100", () => {
    expect(ruleDefinitionSchema.safeParse({ ...valid, points: 101 }).error?.issues.map((i) => i.path)).toEqual([["points"]]);
  });

  test("refuses an unknown tier and a repeated tier", () => {
    expect(ruleDefinitionSchema.safeParse({ ...valid, tiers: ["Golden"] }).error?.issues.map((i) => i.path)).toEqual([["tiers", 0]]);
    expect(ruleDefinitionSchema.safeParse({ ...valid, tiers: ["Gold", "Gold"] }).error?.issues.map((i) => i.path)).toEqual([["tiers"]]);
  });

  test("refuses a campaign that is not a slug and unknown action keys", () => {
    expect(ruleDefinitionSchema.safeParse({ ...valid, actions: { campaign: "Win Back" } }).error?.issues.map((i) => i.path)).toEqual([["actions", "campaign"]]);
    expect(ruleDefinitionSchema.safeParse({ ...valid, actions: { email: true } }).error?.issues.map((i) => i.path)).toEqual([["actions"]]);
  });

  test("refuses an unknown severity and mode", () => {
    const r = ruleDefinitionSchema.safeParse({ ...valid, severity: "urgent", mode: "on" });
    expect(r.error?.issues.map((i) => i.path)).toEqual([["severity"], ["mode"]]);
  });

  test("applies a rule only to its tiers, and never to a customer without a tier", () => {
    expect(ruleAppliesToTier({ tiers: ["Gold"] }, "Gold")).toBe(true);
    expect(ruleAppliesToTier({ tiers: ["Gold"] }, "Silver")).toBe(false);
    expect(ruleAppliesToTier({ tiers: ["Gold"] }, null)).toBe(false);
  });
});
