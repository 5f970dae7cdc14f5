// One condition leaf checked against the catalogue and turned into a typed operand. The
// validator reports the issues; both compilers (JS and SQL) start from the same normalised
// leaf, so a rule value means the same thing on both sides.
import { factsByName, type FactDefinition } from "./facts.ts";
import {
  comparableFamily,
  isBaselineOperator,
  isComparisonOperator,
  isExistenceOperator,
  tierNames,
  tierRank,
  type BaselineOperator,
  type ComparisonOperator,
  type ExistenceOperator,
  type FactType,
  type Operator,
} from "./vocabulary.ts";

export type LeafIssue = { path: (string | number)[]; message: string };

/**
 * Comparable form of a value: numbers as is, timestamps as epoch milliseconds, tiers as
 * their rank (1 = Bronze … 5 = Diamond), booleans and strings as is.
 */
export type Operand = number | string | boolean;

export type NormalizedLeaf = { fact: FactDefinition } & (
  | { shape: "compare"; operator: ComparisonOperator; operand: Operand }
  | { shape: "list"; operator: "in" | "notIn"; operands: Operand[] }
  | { shape: "between"; operator: "between"; lo: Operand; hi: Operand }
  | { shape: "element"; operator: "contains" | "doesNotContain"; operand: string }
  | { shape: "baseline"; operator: BaselineOperator; fraction: number; baseline: FactDefinition }
  | { shape: "exists"; operator: ExistenceOperator }
  /** fact op factor × other; factor null = compare as is (any comparable type). */
  | { shape: "fact"; operator: ComparisonOperator; other: FactDefinition; factor: number | null }
);

type LeafInput = { fact: string; operator: Operator; value?: unknown };

const isFactReference = (v: unknown): v is { fact: string; factor?: number } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === "string";
type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

// Instants PostgreSQL and JavaScript both represent and print the same way.
const minInstant = Date.UTC(1900, 0, 1);
const maxInstant = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
// ISO 8601 date-time with an explicit offset: a date alone or a local time would be read in
// UTC by JavaScript but in the session time zone by PostgreSQL.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const describe = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;

/** Parses one rule value for a fact of the given type (for string[] facts: one element). */
export function parseOperand(type: FactType, v: unknown): Parsed<Operand> {
  switch (type) {
    case "number":
    case "integer":
      if (typeof v === "number" && Number.isFinite(v)) return { ok: true, value: v };
      return { ok: false, message: `expected a number, got ${describe(v)}` };
    case "boolean":
      return typeof v === "boolean" ? { ok: true, value: v } : { ok: false, message: `expected true or false, got ${describe(v)}` };
    case "string":
    case "string[]":
      if (typeof v !== "string") return { ok: false, message: `expected a text value, got ${describe(v)}` };
      // PostgreSQL text cannot hold NUL or lone surrogates; they would not compare as in JS.
      if (v.includes("\u0000") || /\p{Cs}/u.test(v)) return { ok: false, message: "text must be valid Unicode without NUL characters" };
      return { ok: true, value: v };
    case "tier": {
      const rank = typeof v === "string" ? tierRank(v) : null;
      if (rank !== null) return { ok: true, value: rank };
      return { ok: false, message: `expected a tier, one of ${tierNames.join(", ")}; got ${describe(v)}` };
    }
    case "timestamp": {
      const ms = typeof v === "string" && isoInstant.test(v) ? Date.parse(v) : Number.NaN;
      if (!(ms >= minInstant && ms <= maxInstant)) {
        const example = '"2024-05-01T00:00:00+09:00"';
        return { ok: false, message: `expected a date-time with a time zone between 1900 and 9999, e.g. ${example}; got ${describe(v)}` };
      }
      return { ok: true, value: ms };
    }
  }
}

const typeName = (f: FactDefinition) => (f.type === "string[]" ? "a list of texts" : f.type === "integer" ? "an integer" : `a ${f.type}`);

/** Checks a leaf against the catalogue; issue paths are relative to the leaf. */
export function analyzeLeaf(leaf: LeafInput): { ok: true; leaf: NormalizedLeaf } | { ok: false; issues: LeafIssue[] } {
  const fail = (path: (string | number)[], message: string) => ({ ok: false as const, issues: [{ path, message }] });
  const fact = factsByName.get(leaf.fact);
  if (!fact) {
    const hint = suggest(leaf.fact);
    return fail(["fact"], `unknown fact "${leaf.fact}"${hint ? `; did you mean "${hint}"?` : ""}`);
  }
  const op = leaf.operator;
  if (!fact.operators.includes(op)) {
    const why =
      isBaselineOperator(op) && (fact.type === "number" || fact.type === "integer")
        ? `${fact.name} has no baseline; facts with one: ${baselineFacts().join(", ")}`
        : `${fact.name} is ${typeName(fact)}; use one of ${fact.operators.join(", ")}`;
    return fail(["operator"], `operator ${op} does not apply: ${why}`);
  }
  const value = leaf.value;

  if (isExistenceOperator(op)) {
    if (value !== undefined) return fail(["value"], `${op} takes no value; remove it`);
    return { ok: true, leaf: { fact, shape: "exists", operator: op } };
  }
  if (value === undefined) return fail(["value"], `${op} needs a value`);
  if (isFactReference(value)) {
    if (!isComparisonOperator(op)) return fail(["value"], `${op} cannot compare with another fact; use equal, notEqual, lessThan, lessThanInclusive, greaterThan or greaterThanInclusive`);
    const other = factsByName.get(value.fact);
    if (!other) {
      const hint = suggest(value.fact);
      return fail(["value", "fact"], `unknown fact "${value.fact}"${hint ? `; did you mean "${hint}"?` : ""}`);
    }
    if (comparableFamily(other.type) !== comparableFamily(fact.type) || !other.operators.includes(op)) {
      return fail(["value", "fact"], `${fact.name} is ${typeName(fact)} and ${other.name} is ${typeName(other)}: compare facts of the same type`);
    }
    const numeric = comparableFamily(fact.type) === "number";
    if (value.factor !== undefined && !numeric) return fail(["value", "factor"], `a factor applies to numbers only; ${fact.name} is ${typeName(fact)}`);
    return { ok: true, leaf: { fact, shape: "fact", operator: op, other, factor: value.factor ?? null } };
  }

  if (isBaselineOperator(op)) {
    const baseline = fact.baseline ? factsByName.get(fact.baseline) : undefined;
    if (!baseline) return fail(["operator"], `${fact.name} has no baseline`);
    const max = op === "decreasedByAtLeast" ? 1 : Number.POSITIVE_INFINITY;
    if (typeof value !== "number" || !(value > 0 && value <= max)) {
      const range =
        op === "decreasedByAtLeast"
          ? "above 0 and at most 1 (0.5 = fell by half, 1 = fell to zero)"
          : "above 0 (0.5 = rose by half, 1 = doubled)";
      return fail(["value"], `${op} takes a fraction ${range}; got ${describe(value)}`);
    }
    return { ok: true, leaf: { fact, shape: "baseline", operator: op, fraction: value, baseline } };
  }

  switch (op) {
    case "contains":
    case "doesNotContain": {
      const p = parseOperand(fact.type, value);
      if (!p.ok) return fail(["value"], `${op} takes one text value: ${p.message}`);
      return { ok: true, leaf: { fact, shape: "element", operator: op, operand: p.value as string } };
    }
    case "in":
    case "notIn": {
      if (!Array.isArray(value) || value.length === 0) {
        return fail(["value"], `${op} takes a non-empty list of values; got ${describe(value)}`);
      }
      const operands: Operand[] = [];
      const issues: LeafIssue[] = [];
      value.forEach((v: unknown, i) => {
        const p = parseOperand(fact.type, v);
        if (p.ok) operands.push(p.value);
        else issues.push({ path: ["value", i], message: p.message });
      });
      return issues.length ? { ok: false, issues } : { ok: true, leaf: { fact, shape: "list", operator: op, operands } };
    }
    case "between": {
      if (!Array.isArray(value) || value.length !== 2) return fail(["value"], `between takes [low, high]; got ${describe(value)}`);
      const [lo, hi] = [parseOperand(fact.type, value[0]), parseOperand(fact.type, value[1])];
      const issues: LeafIssue[] = [];
      if (!lo.ok) issues.push({ path: ["value", 0], message: lo.message });
      if (!hi.ok) issues.push({ path: ["value", 1], message: hi.message });
      if (!lo.ok || !hi.ok) return { ok: false, issues };
      // between applies to numbers, timestamps and tiers, whose operands are all numbers.
      if (typeof lo.value !== "number" || typeof hi.value !== "number") return fail(["operator"], `between does not apply to ${fact.name}`);
      if (lo.value > hi.value) {
        const [low, high] = value.map((x) => JSON.stringify(x));
        return fail(["value"], `between takes [low, high] with low ≤ high; got low ${low} above high ${high}`);
      }
      return { ok: true, leaf: { fact, shape: "between", operator: op, lo: lo.value, hi: hi.value } };
    }
    default: {
      const p = parseOperand(fact.type, value);
      if (!p.ok) return fail(["value"], `${fact.name} is ${typeName(fact)}: ${p.message}`);
      return { ok: true, leaf: { fact, shape: "compare", operator: op, operand: p.value } };
    }
  }
}

/** For compilers, after validation: the leaf must be valid. */
export function normalizeLeaf(leaf: LeafInput): NormalizedLeaf {
  const r = analyzeLeaf(leaf);
  if (!r.ok) throw new TypeError(`invalid rule condition: ${r.issues.map((i) => i.message).join("; ")}`);
  return r.leaf;
}

const baselineFacts = () => [...factsByName.values()].filter((f) => f.baseline).map((f) => f.name);

// A close catalogue name for a typo: same name in another case, or within two edits.
function suggest(name: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const f of factsByName.keys()) {
    const d = f.toLowerCase() === name.toLowerCase() ? 0 : editDistance(f, name);
    if (d <= 2 && (!best || d < best.d)) best = { name: f, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
