import { describe, expect, test } from "vitest";
import { compileRuleToSql } from "../../rules/compile-sql.ts";
import type { RuleConditions } from "../../rules/conditions.ts";

const leaf = (fact: string, operator: string, value: unknown) => ({ fact, operator, value }) as RuleConditions;

describe("compileRuleToSql", () => {
  test("compiles a leaf to a coalesced comparison with a cast bind parameter", () => {
    expect(compileRuleToSql(leaf("competitorApps30d", "greaterThanInclusive", 3))).toEqual({
      text: "coalesce(f.competitor_apps_30d >= $1::float8, false)",
      params: [3],
    });
  });

  test("compares tiers by rank, passed as an integer", () => {
    expect(compileRuleToSql(leaf("tier", "greaterThanInclusive", "Gold"))).toEqual({ text: "coalesce(t.tier_rank >= $1::int4, false)", params: [3] });
  });

  test("joins groups with and / or and negates with not", () => {
    const { text } = compileRuleToSql({
      all: [leaf("orders30d", "equal", 1), { any: [leaf("orders30d", "equal", 2), { not: leaf("unsubscribed", "equal", true) }] }],
    } as RuleConditions);
    expect(text).toBe(
      "(coalesce(f.orders_30d = $1::float8, false) and (coalesce(f.orders_30d = $2::float8, false) or (not coalesce(f.unsubscribed = $3::boolean, false))))",
    );
  });

  test("numbers placeholders from firstParam", () => {
    const { text, params } = compileRuleToSql({ all: [leaf("orders30d", "equal", 1), leaf("orders30d", "between", [2, 3])] } as RuleConditions, { firstParam: 4 });
    expect(text).toContain("$4::float8");
    expect(text).toContain("between $5::float8 and $6::float8");
    expect(params).toEqual([1, 2, 3]);
  });

  test("never puts a rule value in the text", () => {
    const evil = "'; drop table customers; --";
    const { text, params } = compileRuleToSql({ any: [leaf("topCategory180d", "in", [evil]), leaf("competitorNames30d", "contains", evil)] } as RuleConditions);
    expect(text).not.toContain("drop");
    expect(params).toEqual([[evil], evil]);
  });

  test("tests membership of a text fact in a list with = any of a text array", () => {
    expect(compileRuleToSql(leaf("topCategory180d", "in", ["a", "b"])).text).toBe("coalesce(f.top_category_180d = any($1::text[]), false)");
  });

  test("tests an array fact for an element with $n = any(column)", () => {
    expect(compileRuleToSql(leaf("competitorAppNames30d", "contains", "glowmall")).text).toBe(
      "coalesce($1::text = any(f.competitor_app_names_30d), false)",
    );
  });

  test("passes timestamps as normalised ISO instants", () => {
    expect(compileRuleToSql(leaf("lastPurchaseAt", "lessThan", "2024-05-01T09:00:00+09:00"))).toEqual({
      text: "coalesce(date_trunc('milliseconds', f.last_purchase_at) < $1::timestamptz, false)",
      params: ["2024-05-01T00:00:00.000Z"],
    });
  });

  test("reads double facts through a guard that turns NaN and infinities into null", () => {
    expect(compileRuleToSql(leaf("churnProbability", "greaterThan", 0.5)).text).toBe(
      "coalesce((case when abs(m.churn_probability) < 'Infinity'::float8 then m.churn_probability end) > $1::float8, false)",
    );
  });

  test("guards baseline division with case, never dividing by zero", () => {
    const { text, params } = compileRuleToSql(leaf("orders30d", "decreasedByAtLeast", 0.5));
    expect(text).toMatch(/^coalesce\(\(case when .* > 0 then \(f\.orders_30d - .*\) \/ .* <= -\$1::float8 else false end\), false\)$/);
    expect(params).toEqual([0.5]);
  });

  test("refuses invalid conditions", () => {
    expect(() => compileRuleToSql(leaf("spend30d", "contains", "x"))).toThrow(/does not apply/);
  });

  test("refuses a firstParam below 1", () => {
    expect(() => compileRuleToSql(leaf("spend30d", "equal", 1), { firstParam: 0 })).toThrow(RangeError);
  });
});
