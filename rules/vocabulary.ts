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
