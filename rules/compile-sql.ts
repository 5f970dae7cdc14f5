// Conditions → one boolean SQL expression over the aliases f (customer_features), t (tier:
// tier_rank, tier_score) and m (model), agreeing with compile-js.ts on every customer.
//
// - Every value is a bind parameter with an explicit cast; nothing from the rule is
//   spliced into the text except catalogue SQL and fixed operators.
// - Numbers are float8 parameters: JS numbers and PostgreSQL double precision are the same
//   IEEE doubles, postgres.js sends the shortest round-trip decimal, and integer columns are
//   widened to float8 exactly, so comparisons agree bit for bit.
// - Each leaf is coalesce(<leaf>, false), with notEqual / notIn written as
//   `x is null or …`: an unknown fact gives exactly the JS answer (true for notEqual, notIn
//   and notExists, false otherwise; see compile-js.ts), never SQL's unknown, so `not` of a
//   leaf is its plain negation. Groups of such leaves are never null.
// - Non-finite doubles read as null (see finiteSql); timestamps are compared at millisecond
//   precision, which is all a JS Date holds.
import { ruleConditionsSchema, type ConditionNode, type RuleConditions } from "./conditions.ts";
import { finiteSql, type FactDefinition } from "./facts.ts";
import { normalizeLeaf, type NormalizedLeaf, type Operand } from "./leaf.ts";
import { maxScaledMagnitude } from "./compile-js.ts";

export type CompiledSql = { text: string; params: unknown[] };

const sqlOperator = {
  equal: "=",
  notEqual: "<>",
  lessThan: "<",
  lessThanInclusive: "<=",
  greaterThan: ">",
  greaterThanInclusive: ">=",
} as const;

/**
 * Compiles conditions (parsed again, like compileRule) to `{ text, params }`. Placeholders
 * are numbered from `firstParam` (default 1), so the expression can be spliced into a query
 * that has parameters of its own.
 */
export function compileRuleToSql(conditions: RuleConditions, options: { firstParam?: number } = {}): CompiledSql {
  const first = options.firstParam ?? 1;
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`firstParam must be a positive integer, got ${first}`);
  const params: unknown[] = [];
  const bind = (value: unknown, cast: string) => {
    params.push(value);
    return `$${first + params.length - 1}::${cast}`;
  };
  const text = compileNode(ruleConditionsSchema.parse(conditions), bind);
  return { text, params };
}

type Bind = (value: unknown, cast: string) => string;

function compileNode(node: ConditionNode, bind: Bind): string {
  if ("all" in node) return `(${node.all.map((c) => compileNode(c, bind)).join(" and ")})`;
  if ("any" in node) return `(${node.any.map((c) => compileNode(c, bind)).join(" or ")})`;
  if ("not" in node) return `(not ${compileNode(node.not, bind)})`;
  return `coalesce(${compileLeaf(normalizeLeaf(node), bind)}, false)`;
}

function compileLeaf(leaf: NormalizedLeaf, bind: Bind): string {
  const x = read(leaf.fact);
  const cast = castOf(leaf.fact);
  switch (leaf.shape) {
    case "compare": {
      const test = `${x} ${sqlOperator[leaf.operator]} ${bind(param(leaf.fact, leaf.operand), cast)}`;
      return leaf.operator === "notEqual" ? `(${x} is null or ${test})` : test;
    }
    case "list": {
      const list = bind(leaf.operands.map((o) => param(leaf.fact, o)), `${cast}[]`);
      return leaf.operator === "in" ? `${x} = any(${list})` : `(${x} is null or ${x} <> all(${list}))`;
    }
    case "exists":
      return leaf.operator === "exists" ? `${x} is not null` : `${x} is null`;
    case "fact": {
      const y = read(leaf.other);
      if (leaf.factor === null) return `${x} ${sqlOperator[leaf.operator]} ${y}`;
      // float8 multiplication, as JS does it; guarded so it can never overflow (an error in SQL).
      const y8 = `(${y})::float8`; // abs() of the smallest int4 overflows
      const scaled = `(case when abs(${y8}) < ${bind(maxScaledMagnitude, "float8")} then ${y8} * ${bind(leaf.factor, "float8")} end)`;
      return `${x} ${sqlOperator[leaf.operator]} ${scaled}`;
    }
    case "between":
      return `${x} between ${bind(param(leaf.fact, leaf.lo), cast)} and ${bind(param(leaf.fact, leaf.hi), cast)}`;
    case "element": {
      const element = bind(leaf.operand, "text");
      // A null array is false for both; null elements never equal the operand (as in JS).
      return leaf.operator === "contains"
        ? `${element} = any(${x})`
        : `(${x} is not null and not coalesce(${element} = any(${x}), false))`;
    }
    case "baseline": {
      const b = read(leaf.baseline);
      const v = bind(leaf.fraction, "float8");
      // case, not and: PostgreSQL may evaluate and's arms in any order, and / 0 raises.
      return leaf.operator === "decreasedByAtLeast"
        ? `(case when ${b} > 0 then (${x} - ${b}) / ${b} <= -${v} else false end)`
        : `(case when ${b} > 0 then (${x} - ${b}) / ${b} >= ${v} when ${b} = 0 then ${x} > 0 else false end)`;
    }
  }
}

function read(fact: FactDefinition): string {
  if (fact.type === "number" && fact.source !== "derived") return finiteSql(fact.sql);
  if (fact.type === "timestamp") return `date_trunc('milliseconds', ${fact.sql})`;
  return fact.sql;
}

function castOf(fact: FactDefinition): string {
  switch (fact.type) {
    case "number":
    case "integer":
      return "float8";
    case "tier":
      return "int4";
    case "timestamp":
      return "timestamptz";
    case "boolean":
      return "boolean";
    case "string":
    case "string[]":
      return "text";
  }
}

// Timestamps travel as ISO strings of the validated instant (millisecond precision).
const param = (fact: FactDefinition, operand: Operand): unknown =>
  fact.type === "timestamp" && typeof operand === "number" ? new Date(operand).toISOString() : operand;
