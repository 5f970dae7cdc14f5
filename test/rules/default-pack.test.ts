import { describe, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import { defaultRulePack } from "../../rules/default-pack.ts";
import { packRuleSchema, ruleAppliesToTier, ruleDefinitionSchema } from "../../rules/definition.ts";
import { explainTrace } from "../../rules/explain.ts";
import type { FactValues } from "../../rules/facts.ts";
import { tierNames } from "../../rules/vocabulary.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T00:00:00Z");

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

  test("names every rule in Korean and in English, as Korean marketers and others read the inbox", () => {
    for (const r of defaultRulePack) expect(r.name, r.id).toMatch(/^[^A-Za-z]*[가-힣][^/]* \/ [A-Za-z][^가-힣]*$/);
  });

  test("has unique ids", () => {
    expect(new Set(defaultRulePack.map((r) => r.id)).size).toBe(defaultRulePack.length);
  });

  test("gives no single kind of evidence enough points to alert: the rules of one kind stay under the threshold together", () => {
    const ownBuying = ["vip-long-silence", "vip-order-drop", "vip-fading"];
    expect(defaultRulePack.filter((r) => ownBuying.includes(r.id)).reduce((sum, r) => sum + r.points, 0)).toBeLessThan(50);
    const rivals = ["competitor-shift", "competitor-shift-confident", "competitor-wallet-shift"];
    expect(defaultRulePack.filter((r) => rivals.includes(r.id)).reduce((sum, r) => sum + r.points, 0)).toBe(50);
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
    // A Gold customer who bought 80,000 in the last 30 days (usually 40,000), and now uses 3 rival apps and spent 120,000 at one.
    const gold: FactValues = {
      tier: "Gold", competitorApps30d: 3, competitorAppNames30d: ["rival-beauty", "glowmall", "skinnow"], competitorSpend30d: 120_000,
      competitorSpend30dBaseline: 0, spend30d: 80_000, spend30dBaseline: 40_000, orders30d: 1, orders30dBaseline: 0.5,
    };

    test("matches a Gold customer with 3 competitor apps and 120,000 KRW at a rival in 30 days, more than they spent with us", () => {
      expect(matches("vip-competitor-defection", gold)).toBe(true);
    });

    test("does not match the same customer at 90,000 KRW", () => {
      expect(matches("vip-competitor-defection", { ...gold, competitorSpend30d: 90_000 })).toBe(false);
    });

    test("does not match the same customer as Bronze", () => {
      expect(matches("vip-competitor-defection", { ...gold, tier: "Bronze" })).toBe(false);
      expect(rule("vip-competitor-defection").predicate({ ...gold, tier: "Bronze" }).matched).toBe(false);
    });

    test("does not match when rival spend is what it always was (a price comparer), nor when most spend stays with us", () => {
      expect(matches("vip-competitor-defection", { ...gold, competitorSpend30dBaseline: 110_000 })).toBe(false);
      expect(matches("vip-competitor-defection", { ...gold, spend30d: 300_000, spend30dBaseline: 250_000 })).toBe(false);
    });

    test("explains itself in words", () => {
      const sentences = explainTrace(rule("vip-competitor-defection").predicate(gold).trace);
      expect(sentences).toContain("is a Gold customer");
      expect(sentences).toContain("uses 3 competitor apps (rival-beauty, glowmall, skinnow) in the last 30 days");
      expect(sentences).toContain("spent 120,000 KRW at competitors in the last 30 days against a usual 0 KRW (new)");
      expect(sentences.some((x) => /60% of their last 30 days' spend at competitors/.test(x))).toBe(true);
    });
  });

  /** The pack's points for a customer: what the score adds before the model's part. */
  const points = (facts: FactValues) =>
    defaultRulePack.filter((r) => ruleAppliesToTier(r, facts.tier) && compileRule(r.conditions)(facts).matched).reduce((s, r) => s + r.points, 0);
  const alerts = (facts: FactValues) =>
    points(facts) >= 50 || defaultRulePack.some((r) => r.severity !== "medium" && r.severity !== "low" && ruleAppliesToTier(r, facts.tier) && compileRule(r.conditions)(facts).matched);

  /** A customer known for a year (the whole baseline period known), last purchase `days` ago. */
  const known = (days: number): FactValues => ({
    firstPurchaseAt: new Date(NOW - 365 * DAY), lastPurchaseAt: new Date(NOW - days * DAY), daysSinceLastPurchase: days,
  });

  test("a loyal VIP who compares prices at rivals and keeps buying scores nothing for it and does not alert", () => {
    const comparer: FactValues = {
      ...known(4), tier: "Platinum", competitorApps30d: 3, competitorApps30dBaseline: 3, competitorSpend30d: 60_000, competitorSpend30dBaseline: 50_000,
      competitorConfidence30d: 0.9, spend30d: 280_000, spend30dBaseline: 270_000, orders30d: 3, orders30dBaseline: 3, sessions30d: 4, sessions30dBaseline: 4,
      usualMaxGapDays: 20, purchaseGaps: 30,
    };
    expect(points(comparer)).toBe(0);
    expect(alerts(comparer)).toBe(false);
    // Newly comparing (rival use rising from nothing) but still buying as before: still nothing.
    expect(points({ ...comparer, competitorApps30dBaseline: 0, competitorSpend30dBaseline: 0 })).toBe(0);
  });

  test("a VIP shifting to a rival alerts, with points from the shift, the wallet moving and their own falling buying", () => {
    const shifting: FactValues = {
      ...known(12), tier: "Gold", competitorApps30d: 2, competitorApps30dBaseline: 0, competitorSpend30d: 90_000, competitorSpend30dBaseline: 0,
      competitorConfidence30d: 0.85, spend30d: 60_000, spend30dBaseline: 250_000, orders30d: 1, orders30dBaseline: 5, sessions30d: 2, sessions30dBaseline: 4,
      usualMaxGapDays: 20, purchaseGaps: 25,
    };
    expect(alerts(shifting)).toBe(true);
    expect(matches("competitor-shift", shifting)).toBe(true);
    expect(matches("competitor-shift-confident", shifting)).toBe(true);
    expect(matches("competitor-wallet-shift", shifting)).toBe(true);
    // Less sure evidence weighs less.
    expect(points({ ...shifting, competitorConfidence30d: 0.6 })).toBeLessThan(points(shifting));
    // Gone already (silent more than twice their usual longest gap): the shift rules leave it to the silence rules.
    expect(matches("competitor-shift", { ...shifting, ...known(45) })).toBe(false);
    expect(matches("competitor-wallet-shift", { ...shifting, ...known(45) })).toBe(false);
  });

  test("competitor-wallet-shift needs rivals to take more of the wallet than usual while own spend falls, not a steady split", () => {
    const facts: FactValues = { ...known(5), tier: "Silver", competitorSpend30d: 80_000, competitorSpend30dBaseline: 10_000, spend30d: 90_000, spend30dBaseline: 150_000, orders30dBaseline: 2 };
    expect(matches("competitor-wallet-shift", facts)).toBe(true);
    // A steady split: rivals always had this share.
    expect(matches("competitor-wallet-shift", { ...facts, competitorSpend30dBaseline: 70_000, spend30dBaseline: 100_000 })).toBe(false);
    // Rival spend up, own spend as usual: a comparer who keeps buying.
    expect(matches("competitor-wallet-shift", { ...facts, spend30d: 150_000 })).toBe(false);
  });

  test("judges a customer known for a few months against those months, not against months before they arrived", () => {
    // First purchase 90 days ago: 60 of the baseline's 180 days are known; 4 orders in them, the first only marks arrival.
    const recent: FactValues = {
      tier: "Gold", firstPurchaseAt: new Date(NOW - 90 * DAY), lastPurchaseAt: new Date(NOW - 20 * DAY), daysSinceLastPurchase: 20,
      orders30d: 0, orders30dBaseline: 4 / 6, spend30d: 0, spend30dBaseline: 400_000 / 6,
    };
    // Usual: the 3 orders after the first in 60 days = 1.5 a month, under the rule's floor of 2; with 9 orders (8 after the
    // first = 4 a month), a month without orders is a drop. The plain baseline (orders over 180 days / 6: 0.67 and 1.5) would see neither.
    expect(matches("vip-order-drop", recent)).toBe(false);
    expect(matches("vip-order-drop", { ...recent, orders30dBaseline: 9 / 6, spend30dBaseline: 900_000 / 6 })).toBe(true);
  });

  test("vip-repeated-bad-support alerts alone on a VIP whose complaint came back", () => {
    const facts: FactValues = { tier: "Platinum", highSeverityTickets30d: 1, negativeTickets30d: 2 };
    expect(matches("vip-repeated-bad-support", facts)).toBe(true);
    expect(alerts(facts)).toBe(true);
    expect(alerts({ ...facts, negativeTickets30d: 1 })).toBe(false);
  });

  test("no single weak signal alerts alone", () => {
    for (const r of defaultRulePack.filter((r) => r.severity === "medium" || r.severity === "low")) expect(r.points, r.id).toBeLessThan(50);
  });

  test("vip-order-drop matches a VIP who ordered less than chance explains against a usual of at least 2 orders, not an ordinary dip nor a small usual", () => {
    // Usual 3 a month: none in 30 days happens 6% of the time at that rate, one 22% (an ordinary month).
    expect(matches("vip-order-drop", { ...known(10), tier: "Platinum", orders30d: 0, orders30dBaseline: 3 })).toBe(true);
    expect(matches("vip-order-drop", { ...known(10), tier: "Platinum", orders30d: 1, orders30dBaseline: 3 })).toBe(false);
    // Usual 5 a month: one order is a 5% month.
    expect(matches("vip-order-drop", { ...known(10), tier: "Platinum", orders30d: 1, orders30dBaseline: 5 })).toBe(true);
    expect(matches("vip-order-drop", { ...known(10), tier: "Platinum", orders30d: 0, orders30dBaseline: 1.5 })).toBe(false);
  });

  test("vip-long-silence matches a VIP silent a quarter longer than their usual longest gap", () => {
    const facts: FactValues = { tier: "Gold", daysSinceLastPurchase: 51, usualMaxGapDays: 40, purchaseGaps: 6 };
    expect(matches("vip-long-silence", facts)).toBe(true);
    expect(matches("vip-long-silence", { ...facts, daysSinceLastPurchase: 49 })).toBe(false);
    expect(matches("vip-long-silence", { ...facts, purchaseGaps: 1 })).toBe(false);
  });

  test("competitor-shift matches rival buying rising beyond chance with own orders falling beyond chance, in any tier", () => {
    // 3 rival purchases in 30 days against 1 in 180 days: under a 1% chance at their usual rival rate.
    const facts: FactValues = {
      ...known(5), tier: "Bronze", competitorSpend30d: 60_000, competitorSpend30dBaseline: 30_000, competitorPurchases30d: 3, competitorPurchases30dBaseline: 1 / 6,
      spend30d: 0, spend30dBaseline: 60_000, orders30d: 0, orders30dBaseline: 3,
    };
    expect(matches("competitor-shift", facts)).toBe(true);
    // Two orders against a usual 3: a month like many (44% at their rate), whatever rivals get.
    expect(matches("competitor-shift", { ...facts, orders30d: 2, spend30d: 40_000 })).toBe(false);
  });

  test("competitor-shift counts new rival buying worth at least a quarter of their usual spend with us", () => {
    // 2 rival purchases against none in 180 days: a 1% chance.
    const facts: FactValues = {
      ...known(5), tier: "Silver", competitorSpend30d: 40_000, competitorSpend30dBaseline: 0, competitorPurchases30d: 2, competitorPurchases30dBaseline: 0,
      spend30d: 0, spend30dBaseline: 50_000, orders30d: 0, orders30dBaseline: 3,
    };
    expect(matches("competitor-shift", facts)).toBe(true);
    expect(matches("competitor-shift", { ...facts, competitorSpend30d: 5_000 })).toBe(false);
  });

  test("competitor-shift does not count the one rival purchase a price comparer makes every month or two, even in a thin month of their own", () => {
    // 4 rival purchases in 180 days; one now, for more than their usual rival spend: a 50% chance.
    const facts: FactValues = {
      ...known(5), tier: "Gold", competitorSpend30d: 40_000, competitorSpend30dBaseline: 20_000, competitorPurchases30d: 1, competitorPurchases30dBaseline: 4 / 6,
      spend30d: 0, spend30dBaseline: 50_000, orders30d: 0, orders30dBaseline: 3,
    };
    expect(matches("competitor-shift", facts)).toBe(false);
    // Three in the month are a rise.
    expect(matches("competitor-shift", { ...facts, competitorPurchases30d: 3, competitorSpend30d: 120_000 })).toBe(true);
  });

  test("vip-bad-support matches a VIP with a high-severity and a negative ticket, not a Silver customer", () => {
    expect(matches("vip-bad-support", { tier: "Gold", highSeverityTickets30d: 1, negativeTickets30d: 1 })).toBe(true);
    expect(matches("vip-bad-support", { tier: "Gold", highSeverityTickets30d: 1, negativeTickets30d: 0 })).toBe(false);
    expect(matches("vip-bad-support", { tier: "Silver", highSeverityTickets30d: 1, negativeTickets30d: 1 })).toBe(false);
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
