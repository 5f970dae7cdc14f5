// The documented answer of every operator for an unknown fact (rules/vocabulary.ts's
// operatorGuide, served with the catalogue and in the README) is what both compilers do.
import postgres from "postgres";
import { afterAll, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import { compileRuleToSql } from "../../rules/compile-sql.ts";
import type { RuleConditions } from "../../rules/conditions.ts";
import { operatorGuide, operators, type Operator } from "../../rules/vocabulary.ts";

const sql = postgres(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice: () => {} });
afterAll(() => sql.end());

// A nullable fact of each kind the operators need, and a valid value for each operator.
const cases: Record<Operator, { fact: string; value?: unknown }> = {
  equal: { fact: "churnProbability", value: 0.5 },
  notEqual: { fact: "churnProbability", value: 0.5 },
  lessThan: { fact: "churnProbability", value: 0.5 },
  lessThanInclusive: { fact: "churnProbability", value: 0.5 },
  greaterThan: { fact: "churnProbability", value: 0.5 },
  greaterThanInclusive: { fact: "churnProbability", value: 0.5 },
  in: { fact: "churnProbability", value: [0.5] },
  notIn: { fact: "churnProbability", value: [0.5] },
  contains: { fact: "competitorAppNames30d", value: "glowmall" },
  doesNotContain: { fact: "competitorAppNames30d", value: "glowmall" },
  between: { fact: "churnProbability", value: [0, 1] },
  decreasedByAtLeast: { fact: "spend30d", value: 0.5 },
  increasedByAtLeast: { fact: "spend30d", value: 0.5 },
  exists: { fact: "churnProbability" },
  notExists: { fact: "churnProbability" },
};

test.each(operators.map((op) => [op, operatorGuide[op].whenUnknown] as const))("%s on an unknown fact is %s in JS and SQL, and not of it the opposite", async (op, want) => {
  const leaf = { fact: cases[op].fact, operator: op, ...(cases[op].value !== undefined ? { value: cases[op].value } : {}) } as RuleConditions;
  expect(compileRule(leaf)({}).matched).toBe(want);
  expect(compileRule({ not: leaf } as RuleConditions)({}).matched).toBe(!want);
  for (const [conditions, expected] of [[leaf, want], [{ not: leaf } as RuleConditions, !want]] as const) {
    const { text, params } = compileRuleToSql(conditions);
    // Every fact read as null: f, t and m are one row of nulls.
    const from = `(select null::float8 as churn_probability) as m, (select null::text[] as competitor_app_names_30d, null::float8 as spend_30d, null::float8 as spend_30d_baseline) as f`;
    const [row] = await sql.unsafe<{ matched: boolean }[]>(`select ${text} as matched from ${from}`, params as never[]);
    expect(row!.matched).toBe(expected);
  }
});
