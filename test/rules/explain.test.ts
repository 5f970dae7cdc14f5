import { describe, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import type { RuleConditions } from "../../rules/conditions.ts";
import { explainTrace } from "../../rules/explain.ts";
import { factCatalogue, type FactValues } from "../../rules/facts.ts";
import { ruleTraceSchema } from "../../rules/trace.ts";

const leaf = (fact: string, operator: string, value: unknown) => ({ fact, operator, value });
const explain = (conditions: unknown, facts: FactValues, currency?: string) =>
  explainTrace(compileRule(conditions as RuleConditions)(facts).trace, factCatalogue, currency ? { currency } : {});

describe("explainTrace", () => {
  test("names the competitor apps with their count", () => {
    expect(explain(leaf("competitorApps30d", "greaterThanInclusive", 3), { competitorApps30d: 3, competitorAppNames30d: ["rival-beauty", "glowmall", "skinnow"] })).toEqual([
      "uses 3 competitor apps (rival-beauty, glowmall, skinnow) in the last 30 days",
    ]);
  });

  test("leaves out the app names when there are none", () => {
    expect(explain(leaf("competitorApps30d", "lessThan", 3), { competitorApps30d: 0, competitorAppNames30d: [] })).toEqual([
      "uses 0 competitor apps in the last 30 days",
    ]);
  });

  test("uses the singular for one", () => {
    expect(explain(leaf("competitorApps30d", "equal", 1), { competitorApps30d: 1, competitorAppNames30d: ["glowmall"] })).toEqual([
      "uses 1 competitor app (glowmall) in the last 30 days",
    ]);
  });

  test("formats amounts in the workspace currency, KRW by default", () => {
    expect(explain(leaf("competitorSpend30d", "greaterThanInclusive", 100_000), { competitorSpend30d: 120_000 })).toEqual([
      "spent 120,000 KRW at competitors in the last 30 days",
    ]);
  });

  test("formats amounts with the currency's own decimals", () => {
    expect(explain(leaf("competitorSpend30d", "greaterThan", 1), { competitorSpend30d: 1234.5 }, "USD")).toEqual([
      "spent 1,234.5 USD at competitors in the last 30 days",
    ]);
  });

  test("compares a baseline change with the customer's usual", () => {
    expect(explain(leaf("orders30d", "decreasedByAtLeast", 0.5), { orders30d: 1, orders30dBaseline: 3 })).toEqual([
      "ordered 1 time in the last 30 days against a usual 3.0 (−67%)",
    ]);
  });

  test("calls a rise from a zero baseline new", () => {
    expect(explain(leaf("competitorSpend30d", "increasedByAtLeast", 0.5), { competitorSpend30d: 50_000, competitorSpend30dBaseline: 0 })).toEqual([
      "spent 50,000 KRW at competitors in the last 30 days against a usual 0 KRW (new)",
    ]);
  });

  test("names the tier", () => {
    expect(explain(leaf("tier", "greaterThanInclusive", "Gold"), { tier: "Gold" })).toEqual(["is a Gold customer"]);
  });

  test("explains silence with the days and the usual interval", () => {
    expect(explain(leaf("silenceRatio", "greaterThan", 2), { daysSinceLastPurchase: 64, purchaseIntervalDays: 24 })).toEqual([
      "has not purchased for 64 days, 2.7× their usual interval of 24 days",
    ]);
  });

  test("shows fractions as percentages", () => {
    expect(explain(leaf("churnProbability", "greaterThan", 0.5), { churnProbability: 0.724 })).toEqual(["has a 72% churn probability"]);
  });

  test("explains a matched not by the customer's actual value", () => {
    expect(explain({ not: leaf("unsubscribed", "equal", true) }, { unsubscribed: false })).toEqual(["is subscribed to marketing"]);
  });

  test("explains a missing value with the fact's own words", () => {
    expect(explain({ not: leaf("churnProbability", "greaterThan", 0.5) }, {})).toEqual(["has no model prediction yet"]);
  });

  test("explains only the conditions that decided a match: the true children of an any", () => {
    const rule = { any: [leaf("orders30d", "equal", 5), leaf("tier", "equal", "Gold")] };
    expect(explain(rule, { orders30d: 1, tier: "Gold" })).toEqual(["is a Gold customer"]);
  });

  test("explains every condition of a matched all, in order", () => {
    const rule = { all: [leaf("tier", "greaterThanInclusive", "Gold"), leaf("highSeverityTickets30d", "greaterThanInclusive", 1)] };
    expect(explain(rule, { tier: "Platinum", highSeverityTickets30d: 2 })).toEqual([
      "is a Platinum customer",
      "opened 2 high-severity support tickets in the last 30 days",
    ]);
  });

  test("explains a non-match by the conditions that failed", () => {
    const rule = { all: [leaf("tier", "greaterThanInclusive", "Gold"), leaf("competitorSpend30d", "greaterThanInclusive", 100_000)] };
    expect(explain(rule, { tier: "Gold", competitorSpend30d: 90_000 })).toEqual(["spent 90,000 KRW at competitors in the last 30 days — needs at least 100,000 KRW"]);
  });

  test("says a fact once, preferring the sentence with the baseline", () => {
    const rule = { all: [leaf("spend30d", "decreasedByAtLeast", 0.3), leaf("spend30d", "greaterThan", 0)] };
    expect(explain(rule, { spend30d: 40_000, spend30dBaseline: 120_000 })).toEqual(["spent 40,000 KRW in the last 30 days against a usual 120,000 KRW (−67%)"]);
  });

  test("falls back to the fact name for a fact the catalogue no longer has", () => {
    const trace = { kind: "leaf", fact: "retiredFact", operator: "equal", value: 1, factValue: 1, result: true } as const;
    expect(explainTrace(trace, factCatalogue)).toEqual(["retiredFact is 1"]);
  });

  test("explains a trace read back from storage", () => {
    const { trace } = compileRule(leaf("tier", "equal", "Diamond") as RuleConditions)({ tier: "Diamond" });
    const stored = ruleTraceSchema.parse(JSON.parse(JSON.stringify(trace)));
    expect(explainTrace(stored)).toEqual(["is a Diamond customer"]);
  });
});

describe("misses say what was needed", () => {
  const explainMiss = (conditions: unknown, facts: Record<string, unknown>) => {
    const { trace } = compileRule(conditions as RuleConditions)(facts as FactValues);
    expect(trace.result).toBe(false);
    return explainTrace(trace);
  };
  test("a threshold, in the fact's unit", () => {
    expect(explainMiss({ all: [{ fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100_000 }] }, { competitorSpend30d: 90_000 })).toEqual([
      "spent 90,000 KRW at competitors in the last 30 days — needs at least 100,000 KRW",
    ]);
  });
  test("under not, the opposite of the condition", () => {
    expect(explainMiss({ not: { fact: "unsubscribed", operator: "equal", value: true } }, { unsubscribed: true })).toEqual(["has unsubscribed from marketing — needs anything but yes"]);
  });
  test("a comparison with another fact, with its factor and value", () => {
    expect(explainMiss({ fact: "spend30d", operator: "lessThan", value: { fact: "spend30dBaseline", factor: 0.5 } }, { spend30d: 50_000, spend30dBaseline: 80_000 })).toEqual([
      "spent 50,000 KRW in the last 30 days — needs less than 0.5 × usual spend per 30 days (40,000 KRW)",
    ]);
  });
  test("each sentence once", () => {
    const leaf = { fact: "orders30d", operator: "greaterThan", value: 3 };
    expect(explainMiss({ any: [leaf, leaf] }, { orders30d: 1 })).toEqual(["ordered 1 time in the last 30 days — needs more than 3"]);
  });
});
