import { describe, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import type { RuleConditions } from "../../rules/conditions.ts";
import type { FactValues } from "../../rules/facts.ts";

const leaf = (fact: string, operator: string, value: unknown) => ({ fact, operator, value }) as RuleConditions;
const matches = (conditions: RuleConditions, facts: FactValues) => compileRule(conditions)(facts).matched;

describe("comparison operators on numbers", () => {
  const cases = [
    ["equal", 3, true],
    ["equal", 4, false],
    ["notEqual", 4, true],
    ["notEqual", 3, false],
    ["lessThan", 4, true],
    ["lessThan", 3, false],
    ["lessThanInclusive", 3, true],
    ["lessThanInclusive", 2, false],
    ["greaterThan", 2, true],
    ["greaterThan", 3, false],
    ["greaterThanInclusive", 3, true],
    ["greaterThanInclusive", 4, false],
  ] as const;
  test.each(cases)("competitorApps30d = 3 %s %d is %s", (op, value, expected) => {
    expect(matches(leaf("competitorApps30d", op, value), { competitorApps30d: 3 })).toBe(expected);
  });

  test("compare doubles exactly, as PostgreSQL does (0.1 + 0.2 is not 0.3)", () => {
    expect(matches(leaf("spend30d", "equal", 0.3), { spend30d: 0.1 + 0.2 })).toBe(false);
    expect(matches(leaf("spend30d", "equal", 0.30000000000000004), { spend30d: 0.1 + 0.2 })).toBe(true);
  });
});

describe("list, range and array operators", () => {
  test("in matches a value in the list", () => {
    expect(matches(leaf("topCategory180d", "in", ["skincare", "makeup"]), { topCategory180d: "makeup" })).toBe(true);
    expect(matches(leaf("topCategory180d", "in", ["skincare", "makeup"]), { topCategory180d: "hair" })).toBe(false);
  });

  test("notIn matches a value outside the list", () => {
    expect(matches(leaf("topCategory180d", "notIn", ["skincare"]), { topCategory180d: "hair" })).toBe(true);
    expect(matches(leaf("topCategory180d", "notIn", ["skincare"]), { topCategory180d: "skincare" })).toBe(false);
  });

  test("between includes both ends", () => {
    const rule = leaf("orders90d", "between", [2, 4]);
    expect([1, 2, 3, 4, 5].map((orders90d) => matches(rule, { orders90d }))).toEqual([false, true, true, true, false]);
  });

  test("contains matches an element of an array fact", () => {
    expect(matches(leaf("competitorAppNames30d", "contains", "glowmall"), { competitorAppNames30d: ["rival-beauty", "glowmall"] })).toBe(true);
    expect(matches(leaf("competitorAppNames30d", "contains", "glowmall"), { competitorAppNames30d: ["rival-beauty"] })).toBe(false);
  });

  test("doesNotContain matches when the element is absent, including from an empty array", () => {
    expect(matches(leaf("competitorAppNames30d", "doesNotContain", "glowmall"), { competitorAppNames30d: [] })).toBe(true);
    expect(matches(leaf("competitorAppNames30d", "doesNotContain", "glowmall"), { competitorAppNames30d: ["glowmall"] })).toBe(false);
  });

  test("booleans compare with equal and notEqual", () => {
    expect(matches(leaf("unsubscribed", "equal", true), { unsubscribed: true })).toBe(true);
    expect(matches(leaf("unsubscribed", "notEqual", true), { unsubscribed: true })).toBe(false);
  });
});

describe("tiers compare by rank", () => {
  const atLeastGold = leaf("tier", "greaterThanInclusive", "Gold");
  test.each([
    ["Bronze", false],
    ["Silver", false],
    ["Gold", true],
    ["Platinum", true],
    ["Diamond", true],
  ] as const)("%s ≥ Gold is %s", (tier, expected) => {
    expect(matches(atLeastGold, { tier })).toBe(expected);
  });

  test("between Silver and Platinum excludes Diamond", () => {
    expect(matches(leaf("tier", "between", ["Silver", "Platinum"]), { tier: "Diamond" })).toBe(false);
  });
});

describe("timestamps compare as instants", () => {
  test("a rule value in +09:00 means the same instant as in UTC", () => {
    const rule = leaf("lastPurchaseAt", "lessThan", "2024-05-01T09:00:00+09:00");
    expect(matches(rule, { lastPurchaseAt: new Date("2024-04-30T23:59:59.999Z") })).toBe(true);
    expect(matches(rule, { lastPurchaseAt: new Date("2024-05-01T00:00:00.000Z") })).toBe(false);
  });
});

describe("baseline operators", () => {
  const halved = leaf("orders30d", "decreasedByAtLeast", 0.5);
  test("decreasedByAtLeast 0.5 matches a fall to half or less of the baseline", () => {
    expect(matches(halved, { orders30d: 1, orders30dBaseline: 3 })).toBe(true);
    expect(matches(halved, { orders30d: 2, orders30dBaseline: 4 })).toBe(true);
    expect(matches(halved, { orders30d: 3, orders30dBaseline: 4 })).toBe(false);
  });

  test("decreasedByAtLeast is false from a zero baseline: nothing can fall from nothing", () => {
    expect(matches(halved, { orders30d: 0, orders30dBaseline: 0 })).toBe(false);
  });

  test("increasedByAtLeast 0.5 matches a rise of half or more", () => {
    const rose = leaf("competitorSpend30d", "increasedByAtLeast", 0.5);
    expect(matches(rose, { competitorSpend30d: 150, competitorSpend30dBaseline: 100 })).toBe(true);
    expect(matches(rose, { competitorSpend30d: 149, competitorSpend30dBaseline: 100 })).toBe(false);
  });

  test("increasedByAtLeast counts any activity from a zero baseline as an increase, and none as none", () => {
    const rose = leaf("competitorSpend30d", "increasedByAtLeast", 0.5);
    expect(matches(rose, { competitorSpend30d: 1, competitorSpend30dBaseline: 0 })).toBe(true);
    expect(matches(rose, { competitorSpend30d: 0, competitorSpend30dBaseline: 0 })).toBe(false);
  });

  test("a missing baseline makes both false", () => {
    expect(matches(halved, { orders30d: 0 })).toBe(false);
    expect(matches(leaf("orders30d", "increasedByAtLeast", 0.5), { orders30d: 9 })).toBe(false);
  });
});

describe("silenceRatio", () => {
  const silent = leaf("silenceRatio", "greaterThan", 2);
  test("is days since the last purchase over the usual interval", () => {
    expect(matches(silent, { daysSinceLastPurchase: 49, purchaseIntervalDays: 24 })).toBe(true);
    expect(matches(silent, { daysSinceLastPurchase: 48, purchaseIntervalDays: 24 })).toBe(false);
  });

  test("is null, so false, when the usual interval is zero or missing", () => {
    expect(matches(silent, { daysSinceLastPurchase: 49, purchaseIntervalDays: 0 })).toBe(false);
    expect(matches(silent, { daysSinceLastPurchase: 49, purchaseIntervalDays: null })).toBe(false);
    expect(matches({ not: silent } as RuleConditions, { daysSinceLastPurchase: 49, purchaseIntervalDays: 0 })).toBe(true);
  });
});

describe("unknown (null) fact values", () => {
  test.each([
    ["equal", 0.5, false],
    ["notEqual", 0.5, true],
    ["lessThan", 0.5, false],
    ["lessThanInclusive", 0.5, false],
    ["greaterThan", 0.5, false],
    ["greaterThanInclusive", 0.5, false],
    ["in", [0.5], false],
    ["notIn", [0.5], true],
    ["between", [0, 1], false],
  ] as const)("make a %s leaf %s (as json-rules-engine)", (op, value, want) => {
    expect(matches(leaf("churnProbability", op, value), { churnProbability: null })).toBe(want);
  });

  test("make notEqual true for a text fact, so not(x equal v) and x notEqual v agree", () => {
    expect(matches(leaf("topCategory180d", "notEqual", "skincare"), { topCategory180d: null })).toBe(true);
    expect(matches({ not: leaf("topCategory180d", "equal", "skincare") } as RuleConditions, { topCategory180d: null })).toBe(true);
  });

  test("make contains and doesNotContain false on a null array", () => {
    expect(matches(leaf("competitorAppNames30d", "doesNotContain", "x"), { competitorAppNames30d: null })).toBe(false);
    expect(matches(leaf("competitorAppNames30d", "contains", "x"), { competitorAppNames30d: null })).toBe(false);
  });

  test("make not of a false leaf true: not(x greaterThan 0.5) holds for an unknown x, x lessThanInclusive 0.5 does not", () => {
    expect(matches({ not: leaf("churnProbability", "greaterThan", 0.5) } as RuleConditions, {})).toBe(true);
    expect(matches(leaf("churnProbability", "lessThanInclusive", 0.5), {})).toBe(false);
  });

  test("read missing facts as null (no model yet)", () => {
    expect(matches(leaf("churnProbability", "lessThan", 2), {})).toBe(false);
  });

  test("read NaN and infinities as null, as the SQL side does", () => {
    expect(matches(leaf("spend30d", "greaterThan", 0), { spend30d: Number.POSITIVE_INFINITY })).toBe(false);
    expect(matches(leaf("spend30d", "notEqual", 0), { spend30d: Number.NaN })).toBe(true);
    expect(matches({ fact: "spend30d", operator: "exists" } as RuleConditions, { spend30d: Number.NaN })).toBe(false);
  });
});

describe("exists and notExists", () => {
  const exists = { fact: "churnProbability", operator: "exists" } as RuleConditions;
  const notExists = { fact: "churnProbability", operator: "notExists" } as RuleConditions;
  test("tell a known value from an unknown one", () => {
    expect(matches(exists, { churnProbability: 0 })).toBe(true);
    expect(matches(exists, {})).toBe(false);
    expect(matches(notExists, { churnProbability: 0 })).toBe(false);
    expect(matches(notExists, { churnProbability: null })).toBe(true);
  });
  test("count an empty list as known", () => {
    expect(matches({ fact: "competitorAppNames30d", operator: "exists" } as RuleConditions, { competitorAppNames30d: [] })).toBe(true);
  });
});

describe("comparing two facts", () => {
  const half = leaf("spend30d", "lessThan", { fact: "spend30dBaseline", factor: 0.5 });
  test("compares with factor × the other fact", () => {
    expect(matches(half, { spend30d: 39_999, spend30dBaseline: 80_000 })).toBe(true);
    expect(matches(half, { spend30d: 40_000, spend30dBaseline: 80_000 })).toBe(false);
  });
  test("without a factor compares as is, integers with numbers", () => {
    expect(matches(leaf("orders30d", "greaterThanInclusive", { fact: "orders30dBaseline" }), { orders30d: 2, orders30dBaseline: 1.5 })).toBe(true);
    expect(matches(leaf("tier", "equal", { fact: "tier" }), { tier: "Gold" })).toBe(true);
  });
  test("is false when either fact is unknown, for every operator, notEqual included", () => {
    for (const op of ["equal", "notEqual", "lessThan", "greaterThanInclusive"]) {
      expect(matches(leaf("spend30d", op, { fact: "spend30dBaseline" }), { spend30d: 1, spend30dBaseline: null })).toBe(false);
      expect(matches(leaf("spend30d", op, { fact: "spend30dBaseline" }), { spend30d: null, spend30dBaseline: 1 })).toBe(false);
    }
  });
  test("records the other fact in the trace", () => {
    const { trace } = compileRule(half)({ spend30d: 10, spend30dBaseline: 100 });
    expect(trace).toMatchObject({ kind: "leaf", factValue: 10, other: { fact: "spend30dBaseline", value: 100, factor: 0.5 }, result: true });
  });
});

describe("groups", () => {
  const t = leaf("orders30d", "equal", 1);
  const f = leaf("orders30d", "equal", 2);
  const facts = { orders30d: 1 };
  test("all is true when every child is", () => {
    expect(matches({ all: [t, t] } as RuleConditions, facts)).toBe(true);
    expect(matches({ all: [t, f] } as RuleConditions, facts)).toBe(false);
  });

  test("any is true when some child is", () => {
    expect(matches({ any: [f, t] } as RuleConditions, facts)).toBe(true);
    expect(matches({ any: [f, f] } as RuleConditions, facts)).toBe(false);
  });

  test("not negates", () => {
    expect(matches({ not: f } as RuleConditions, facts)).toBe(true);
  });
});

describe("trace", () => {
  test("lists every leaf with the rule's value, the customer's value and the result", () => {
    const rule = { all: [leaf("tier", "greaterThanInclusive", "Gold"), leaf("competitorSpend30d", "greaterThanInclusive", 100_000)] } as RuleConditions;
    const { matched, trace } = compileRule(rule)({ tier: "Gold", competitorSpend30d: 90_000 });
    expect(matched).toBe(false);
    expect(trace).toEqual({
      kind: "all",
      result: false,
      children: [
        { kind: "leaf", fact: "tier", operator: "greaterThanInclusive", value: "Gold", factValue: "Gold", result: true },
        { kind: "leaf", fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100_000, factValue: 90_000, result: false },
      ],
    });
  });

  test("evaluates every child of a group, even after the outcome is known", () => {
    const rule = { any: [leaf("orders30d", "equal", 1), leaf("orders30d", "equal", 2)] } as RuleConditions;
    const { trace } = compileRule(rule)({ orders30d: 1 });
    expect(trace.kind === "any" && trace.children.map((c) => c.result)).toEqual([true, false]);
  });

  test("records the result of a not and of its child", () => {
    const { trace } = compileRule({ not: leaf("unsubscribed", "equal", true) } as RuleConditions)({ unsubscribed: false });
    expect(trace).toMatchObject({ kind: "not", result: true, child: { kind: "leaf", result: false, factValue: false } });
  });

  test("records the baseline and the change for baseline operators", () => {
    const { trace } = compileRule(leaf("orders30d", "decreasedByAtLeast", 0.5))({ orders30d: 1, orders30dBaseline: 3 });
    expect(trace).toMatchObject({ factValue: 1, baseline: { fact: "orders30dBaseline", value: 3, change: (1 - 3) / 3 }, result: true });
  });

  test("records a null change from a zero baseline", () => {
    const { trace } = compileRule(leaf("spend30d", "increasedByAtLeast", 0.5))({ spend30d: 10, spend30dBaseline: 0 });
    expect(trace).toMatchObject({ baseline: { value: 0, change: null }, result: true });
  });

  test("captures the facts the explanation mentions, such as the competitor app names", () => {
    const { trace } = compileRule(leaf("competitorApps30d", "greaterThanInclusive", 3))({ competitorApps30d: 3, competitorAppNames30d: ["a", "b", "c"] });
    expect(trace).toMatchObject({ context: { competitorAppNames30d: ["a", "b", "c"] } });
  });

  test("stores timestamps as ISO strings and null facts as null", () => {
    const rule = { all: [leaf("lastPurchaseAt", "lessThan", "2030-01-01T00:00:00Z"), leaf("pAlive", "lessThan", 0.5)] } as RuleConditions;
    const { trace } = compileRule(rule)({ lastPurchaseAt: new Date("2024-05-01T00:00:00Z") });
    expect(trace.kind === "all" && trace.children.map((c) => c.kind === "leaf" && c.factValue)).toEqual(["2024-05-01T00:00:00.000Z", null]);
  });

  test("is plain JSON that round-trips", () => {
    const { trace } = compileRule(leaf("orders30d", "decreasedByAtLeast", 0.5))({ orders30d: 1, orders30dBaseline: 3 });
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});

describe("compiling", () => {
  test("refuses invalid conditions", () => {
    expect(() => compileRule(leaf("nope", "equal", 1))).toThrow(/unknown fact/);
  });

  test("the predicate refuses a fact value of the wrong type, a wiring bug", () => {
    const predicate = compileRule(leaf("spend30d", "greaterThan", 1));
    expect(() => predicate({ spend30d: "12" } as unknown as FactValues)).toThrow(TypeError);
  });

  test("the predicate refuses an unknown tier name", () => {
    const predicate = compileRule(leaf("tier", "equal", "Gold"));
    expect(() => predicate({ tier: "Golden" } as unknown as FactValues)).toThrow(TypeError);
  });
});
