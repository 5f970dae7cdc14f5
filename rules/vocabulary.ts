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
export type BaselineOperator = (typeof baselineOperators)[number];

export const operators = [
  ...comparisonOperators,
  ...listOperators,
  ...elementOperators,
  "between",
  ...baselineOperators,
] as const;
export type Operator = (typeof operators)[number];

const ordered = [...comparisonOperators, ...listOperators, "between"] as const;

/**
 * Which operators apply to which fact type. Strings get equality only: ordering strings
 * differs between JavaScript (UTF-16 code units) and PostgreSQL (collation), so JS and SQL
 * could disagree. Baseline operators are added per fact, for facts with a baseline.
 */
export const operatorsByFactType: Record<FactType, readonly Operator[]> = {
  number: ordered,
  integer: ordered,
  tier: ordered,
  timestamp: [...comparisonOperators, "between"],
  boolean: ["equal", "notEqual"],
  string: ["equal", "notEqual", ...listOperators],
  "string[]": elementOperators,
};

export const isBaselineOperator = (op: Operator): op is BaselineOperator =>
  (baselineOperators as readonly Operator[]).includes(op);
