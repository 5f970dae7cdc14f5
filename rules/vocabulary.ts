// The words rules are written in: fact types, tiers and operators. Facts and operators are
// code; rules only name them. Everything here is plain data so it can be served to users.

export const factTypes = ["number", "integer", "boolean", "string", "string[]", "timestamp", "tier"] as const;
export type FactType = (typeof factTypes)[number];

/** Ordinal: comparison operators on the tier fact compare ranks (Bronze = 1 … Diamond = 5). */
export const tierNames = ["Bronze", "Silver", "Gold", "Platinum", "Diamond"] as const;
export type TierName = (typeof tierNames)[number];

export function tierRank(name: string): number | null {
  const i = (tierNames as readonly string[]).indexOf(name);
  return i < 0 ? null : i + 1;
}

export function tierNameOf(rank: number): TierName | null {
  return tierNames[rank - 1] ?? null;
}

export const comparisonOperators = [
  "equal",
  "notEqual",
  "lessThan",
  "lessThanInclusive",
  "greaterThan",
  "greaterThanInclusive",
] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

export const listOperators = ["in", "notIn"] as const;
export const elementOperators = ["contains", "doesNotContain"] as const;
export const baselineOperators = ["decreasedByAtLeast", "increasedByAtLeast"] as const;
/** Whether the fact has a value at all; they take no `value`. */
export const existenceOperators = ["exists", "notExists"] as const;
export type ExistenceOperator = (typeof existenceOperators)[number];
export type BaselineOperator = (typeof baselineOperators)[number];

export const operators = [
  ...comparisonOperators,
  ...listOperators,
  ...elementOperators,
  "between",
  ...baselineOperators,
  ...existenceOperators,
] as const;
export type Operator = (typeof operators)[number];

const ordered = [...comparisonOperators, ...listOperators, "between", ...existenceOperators] as const;

/**
 * Which operators apply to which fact type. Strings get equality only: ordering strings
 * differs between JavaScript (UTF-16 code units) and PostgreSQL (collation), so JS and SQL
 * could disagree. Baseline operators are added per fact, for facts with a baseline.
 */
export const operatorsByFactType: Record<FactType, readonly Operator[]> = {
  number: ordered,
  integer: ordered,
  tier: ordered,
  timestamp: [...comparisonOperators, "between", ...existenceOperators],
  boolean: ["equal", "notEqual", ...existenceOperators],
  string: ["equal", "notEqual", ...listOperators, ...existenceOperators],
  "string[]": [...elementOperators, ...existenceOperators],
};

export const isExistenceOperator = (op: Operator): op is ExistenceOperator =>
  (existenceOperators as readonly Operator[]).includes(op);

export const isComparisonOperator = (op: Operator): op is ComparisonOperator =>
  (comparisonOperators as readonly Operator[]).includes(op);

/** Fact types whose values can be compared with each other: numbers and integers mix. */
export const comparableFamily = (t: FactType): string => (t === "integer" ? "number" : t);

export const isBaselineOperator = (op: Operator): op is BaselineOperator =>
  (baselineOperators as readonly Operator[]).includes(op);

/**
 * What each operator means and what it answers for an unknown fact (missing, null, or a
 * non-finite number): served with the fact catalogue, documented in the README, and checked
 * against both compilers by test/rules/unknown-facts.test.ts.
 */
export const operatorGuide: Record<Operator, { meaning: string; whenUnknown: boolean }> = {
  equal: { meaning: "the fact equals the value", whenUnknown: false },
  notEqual: { meaning: "the fact differs from the value; an unknown fact differs from every value", whenUnknown: true },
  lessThan: { meaning: "the fact is below the value (tiers by rank)", whenUnknown: false },
  lessThanInclusive: { meaning: "the fact is at most the value", whenUnknown: false },
  greaterThan: { meaning: "the fact is above the value", whenUnknown: false },
  greaterThanInclusive: { meaning: "the fact is at least the value", whenUnknown: false },
  in: { meaning: "the fact is one of the listed values", whenUnknown: false },
  notIn: { meaning: "the fact is none of the listed values; an unknown fact is none of them", whenUnknown: true },
  contains: { meaning: "the list fact has the value as an element", whenUnknown: false },
  doesNotContain: { meaning: "the list fact lacks the value (an unknown list is not known to lack it)", whenUnknown: false },
  between: { meaning: "low ≤ fact ≤ high", whenUnknown: false },
  decreasedByAtLeast: { meaning: "the fact fell by at least this fraction of its baseline (false from a zero or unknown baseline)", whenUnknown: false },
  increasedByAtLeast: { meaning: "the fact rose by at least this fraction of its baseline (any activity counts from a zero baseline)", whenUnknown: false },
  exists: { meaning: "the fact has a value (takes no value)", whenUnknown: false },
  notExists: { meaning: "the fact has no value (takes no value)", whenUnknown: true },
};

export const ruleLanguageNotes = {
  not: "not is the plain negation of its condition, which is always true or false: not(x equal 5) equals x notEqual 5, and not(x lessThan 5) is true for an unknown x while x greaterThanInclusive 5 is false.",
  factComparison:
    'value may name another fact of the same type, {"fact": "spend30dBaseline", "factor": 0.5} (factor for numbers, 0 < factor ≤ 1000): the leaf compares with factor × that fact and is false when either fact is unknown, for every operator, notEqual included.',
  nonFinite: "Non-finite numbers (NaN, ±Infinity) count as unknown.",
};
