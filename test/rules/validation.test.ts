import { z } from "zod";
import { describe, expect, test } from "vitest";
import { ruleConditionsSchema, ruleLimits, validateConditions } from "../../rules/conditions.ts";
import { ruleDefinitionSchema } from "../../rules/definition.ts";

const leaf = (fact: string, operator: string, value: unknown) => ({ fact, operator, value });
const vip = leaf("tier", "greaterThanInclusive", "Gold");

/** The issues of conditions, as [path, message] pairs. */
function issues(conditions: unknown) {
  const r = validateConditions(conditions);
  return r.ok ? [] : r.issues.map((i) => [i.path, i.message] as const);
}
const paths = (conditions: unknown) => issues(conditions).map(([p]) => p);

describe("valid conditions", () => {
  test("accept nested all/any/not over catalogue facts", () => {
    const conditions = {
      all: [vip, { any: [leaf("competitorApps30d", "greaterThanInclusive", 3), { not: leaf("unsubscribed", "equal", true) }] }],
    };
    expect(validateConditions(conditions)).toEqual({ ok: true, conditions });
  });

  test("accept a single leaf as the whole rule", () => {
    expect(issues(leaf("spend30d", "lessThan", 1000))).toEqual([]);
  });

  test("accept tier comparisons by name, timestamps with an offset, text lists and array membership", () => {
    expect(
      issues({
        all: [
          leaf("tier", "between", ["Silver", "Platinum"]),
          leaf("lastPurchaseAt", "lessThan", "2024-05-01T00:00:00+09:00"),
          leaf("topCategory180d", "in", ["skincare", "makeup"]),
          leaf("competitorAppNames30d", "contains", "glowmall"),
          leaf("orders30d", "decreasedByAtLeast", 0.5),
          leaf("competitorSpend30d", "increasedByAtLeast", 2),
        ],
      }),
    ).toEqual([]);
  });
});

describe("refused conditions name the path of the mistake", () => {
  test("an unknown fact, at .fact, with a suggestion for a near miss", () => {
    expect(issues({ all: [vip, leaf("spend30", "equal", 1)] })).toEqual([[["all", 1, "fact"], 'unknown fact "spend30"; did you mean "spend30d"?']]);
  });

  test("a text value for a number fact, at .value", () => {
    expect(paths({ all: [vip, leaf("competitorSpend30d", "greaterThan", "100000")] })).toEqual([["all", 1, "value"]]);
  });

  test("an unknown tier name, at .value", () => {
    const [[path, message]] = issues({ all: [leaf("tier", "equal", "Golden")] }) as [[unknown, string]];
    expect(path).toEqual(["all", 0, "value"]);
    expect(message).toContain("Bronze, Silver, Gold, Platinum, Diamond");
  });

  test("an unknown tier inside a list, at .value[i]", () => {
    expect(paths({ any: [leaf("tier", "in", ["Gold", "Golden"])] })).toEqual([["any", 0, "value", 1]]);
  });

  test("contains on a number fact, at .operator", () => {
    expect(paths({ all: [leaf("spend30d", "contains", 3)] })).toEqual([["all", 0, "operator"]]);
  });

  test("ordering operators on a text fact, at .operator", () => {
    expect(paths(leaf("topCategory180d", "lessThan", "m"))).toEqual([["operator"]]);
  });

  test("a baseline operator on a fact without a baseline, at .operator, listing the facts that have one", () => {
    const [[path, message]] = issues({ not: leaf("spend90d", "decreasedByAtLeast", 0.5) }) as [[unknown, string]];
    expect(path).toEqual(["not", "operator"]);
    expect(message).toContain("spend30d, orders30d, sessions30d, competitorApps30d, competitorSpend30d");
  });

  test("between with low above high, at .value", () => {
    expect(paths({ all: [leaf("orders30d", "between", [5, 1])] })).toEqual([["all", 0, "value"]]);
    expect(paths({ all: [leaf("tier", "between", ["Diamond", "Gold"])] })).toEqual([["all", 0, "value"]]);
  });

  test("between without two values, at .value", () => {
    expect(paths(leaf("orders30d", "between", [1, 2, 3]))).toEqual([["value"]]);
  });

  test("a baseline fraction out of range, at .value", () => {
    expect(paths(leaf("orders30d", "decreasedByAtLeast", 1.5))).toEqual([["value"]]);
    expect(paths(leaf("orders30d", "decreasedByAtLeast", 0))).toEqual([["value"]]);
    expect(paths(leaf("spend30d", "increasedByAtLeast", -0.5))).toEqual([["value"]]);
  });

  test("an empty in list, at .value", () => {
    expect(paths(leaf("topCategory180d", "in", []))).toEqual([["value"]]);
  });

  test("a timestamp without a time zone, at .value (JS and PostgreSQL would read it differently)", () => {
    expect(paths(leaf("lastPurchaseAt", "lessThan", "2024-05-01"))).toEqual([["value"]]);
    expect(paths(leaf("lastPurchaseAt", "lessThan", "2024-05-01T00:00:00"))).toEqual([["value"]]);
  });

  test("text PostgreSQL cannot store, at .value", () => {
    expect(paths(leaf("topCategory180d", "equal", "a\u0000b"))).toEqual([["value"]]);
    expect(paths(leaf("topCategory180d", "equal", "\ud800"))).toEqual([["value"]]);
  });

  test("a leaf without a value, at .value", () => {
    expect(paths({ all: [{ fact: "spend30d", operator: "equal" }] })).toEqual([["all", 0, "value"]]);
  });

  test("an unknown operator, at .operator", () => {
    expect(paths({ all: [leaf("spend30d", "greaterOrEqual", 1)] })).toEqual([["all", 0, "operator"]]);
  });

  test("json-rules-engine's path and params, which facts-as-code does not need, as unknown keys", () => {
    expect(paths({ all: [{ ...leaf("spend30d", "equal", 1), path: "$.x" }] })).toEqual([["all", 0]]);
  });

  test("a condition mixing all and any, at the condition", () => {
    expect(paths({ all: [{ all: [vip], any: [vip] }] })).toEqual([["all", 0]]);
  });

  test("an empty all, at .all", () => {
    expect(paths({ any: [{ all: [] }] })).toEqual([["any", 0, "all"]]);
  });

  test("a value that is not a condition, at its place", () => {
    expect(paths({ all: [vip, 42] })).toEqual([["all", 1]]);
  });

  test("every mistake at once, in document order", () => {
    expect(paths({ all: [leaf("nope", "equal", 1), vip, leaf("spend30d", "equal", "x")] })).toEqual([
      ["all", 0, "fact"],
      ["all", 2, "value"],
    ]);
  });
});

describe("limits", () => {
  test(`refuse nesting deeper than ${ruleLimits.maxDepth} levels, at the first level too deep`, () => {
    let deep: unknown = vip;
    for (let i = 0; i < ruleLimits.maxDepth; i++) deep = { not: deep };
    expect(paths(deep)).toEqual([Array(ruleLimits.maxDepth).fill("not")]);
  });

  test(`accept nesting of exactly ${ruleLimits.maxDepth} levels`, () => {
    let deep: unknown = vip;
    for (let i = 1; i < ruleLimits.maxDepth; i++) deep = { not: deep };
    expect(issues(deep)).toEqual([]);
  });

  test("refuse a hostile depth without overflowing the stack", () => {
    let deep: unknown = vip;
    for (let i = 0; i < 100_000; i++) deep = { not: deep };
    expect(validateConditions(deep).ok).toBe(false);
  });

  test(`refuse more than ${ruleLimits.maxConditions} conditions, at the root`, () => {
    const many = { any: Array.from({ length: ruleLimits.maxConditions }, () => vip) };
    expect(issues(many)).toEqual([[[], `a rule has at most ${ruleLimits.maxConditions} conditions`]]);
  });

  test(`refuse in lists longer than ${ruleLimits.maxListLength}`, () => {
    expect(paths(leaf("spend30d", "in", Array.from({ length: ruleLimits.maxListLength + 1 }, (_, i) => i)))).toEqual([["value"]]);
  });
});

describe("inside other schemas", () => {
  test("issues are prefixed with the field, like any zod issue", () => {
    const r = z.object({ conditions: ruleConditionsSchema }).safeParse({ conditions: { all: [vip, leaf("spend30d", "equal", "x")] } });
    expect(r.error?.issues.map((i) => i.path)).toEqual([["conditions", "all", 1, "value"]]);
  });

  test("a rule definition reports conditions.all[1].value", () => {
    const r = ruleDefinitionSchema.safeParse({
      name: "x",
      description: "",
      conditions: { all: [vip, leaf("tier", "equal", "Golden")] },
      tiers: ["Gold"],
      points: 10,
      severity: "low",
      cooldownDays: 7,
      actions: {},
    });
    expect(r.error?.issues.map((i) => i.path)).toEqual([["conditions", "all", 1, "value"]]);
  });

  test("the JSON schema describes the recursive condition tree", () => {
    const json = JSON.stringify(z.toJSONSchema(ruleConditionsSchema, { io: "input" }));
    expect(json).toContain('"fact"');
    expect(json).toContain('"all"');
    expect(json).toContain('"$ref"');
  });
});

describe("exists and fact comparisons", () => {
  test("exists takes no value; other operators need one", () => {
    expect(issues({ fact: "churnProbability", operator: "exists" })).toEqual([]);
    expect(paths(leaf("churnProbability", "exists", true))).toEqual([["value"]]);
    expect(issues({ fact: "spend30d", operator: "lessThan" })).toEqual([[["value"], "lessThan needs a value"]]);
  });

  test("a fact of the same type, with a factor for numbers", () => {
    expect(issues(leaf("spend30d", "lessThan", { fact: "spend30dBaseline", factor: 0.5 }))).toEqual([]);
    expect(issues(leaf("orders30d", "lessThan", { fact: "orders30dBaseline" }))).toEqual([]);
  });

  test("refused: another type, an unknown fact, a factor on a non-number, an operator that cannot compare facts", () => {
    expect(paths(leaf("spend30d", "lessThan", { fact: "tier" }))).toEqual([["value", "fact"]]);
    expect(issues(leaf("spend30d", "lessThan", { fact: "spend30dBaselin" }))).toEqual([[["value", "fact"], 'unknown fact "spend30dBaselin"; did you mean "spend30dBaseline"?']]);
    expect(paths(leaf("tier", "equal", { fact: "tier", factor: 2 }))).toEqual([["value", "factor"]]);
    expect(paths(leaf("spend30d", "in", { fact: "spend90d" }))).toEqual([["value"]]);
    expect(paths(leaf("spend30d", "lessThan", { fact: "spend90d", factor: 0 }))).toEqual([["value", "factor"]]);
  });
});
