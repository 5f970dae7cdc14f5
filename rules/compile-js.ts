// Conditions → a JS predicate, compiled once into closures and run per customer.
//
// Unknown facts (missing or null; non-finite numbers read as null on both sides) follow
// json-rules-engine where it has the operator, and two-valued logic everywhere, so `not`
// is always the plain negation (the same in compile-sql.ts):
//   - notEqual, notIn and notExists are true for an unknown fact; every other operator
//     (equal, in, the orderings, between, contains, doesNotContain, the baseline operators,
//     exists) is false;
//   - so `not(x equal 5)` and `x notEqual 5` agree, while `not(x lessThan 5)` is true for
//     an unknown x and `x greaterThanInclusive 5` is false;
//   - comparing with another fact (`value: {fact, factor?}`) is false when either fact is
//     unknown, for every operator, notEqual included.
// SQL makes a leaf on a null fact unknown; compile-sql.ts turns each leaf into a plain
// true/false first, so its `not` agrees.
//
// Every child of all/any is evaluated (no short-circuit), so the trace is complete.
import { ruleConditionsSchema, type ConditionNode, type RuleConditions } from "./conditions.ts";
import { deriveFact, factsByName, phraseFacts, type DerivedFactName, type FactDefinition, type FactValues, type InputFactName } from "./facts.ts";
import { normalizeLeaf, type NormalizedLeaf, type Operand } from "./leaf.ts";
import type { LeafTrace, RuleTrace, TraceFactValue } from "./trace.ts";
import { tierNameOf, tierRank } from "./vocabulary.ts";

export type RuleEvaluation = { matched: boolean; trace: RuleTrace };
export type RulePredicate = (facts: FactValues) => RuleEvaluation;

/** A fact in comparable form: timestamps as epoch ms, tiers as rank; null when absent. */
type Comparable = number | string | boolean | readonly unknown[] | null;
type Reader = (fact: FactDefinition) => Comparable;

/**
 * Compiles validated conditions (they are parsed again: a stored rule may name a fact the
 * catalogue no longer has) into a predicate returning whether the customer matches and the
 * trace of every condition. Throws a ZodError for invalid conditions; the predicate throws
 * a TypeError when a fact value has the wrong type (a wiring bug, not a customer's state).
 */
export function compileRule(conditions: RuleConditions): RulePredicate {
  const evaluate = compileNode(ruleConditionsSchema.parse(conditions));
  return (facts) => {
    const trace = evaluate(reader(facts));
    return { matched: trace.result, trace };
  };
}

function compileNode(node: ConditionNode): (read: Reader) => RuleTrace {
  if ("all" in node || "any" in node) {
    const kind = "all" in node ? "all" : "any";
    const children = ("all" in node ? node.all : node.any).map(compileNode);
    return (read) => {
      const traces = children.map((c) => c(read));
      const result = kind === "all" ? traces.every((t) => t.result) : traces.some((t) => t.result);
      return { kind, result, children: traces };
    };
  }
  if ("not" in node) {
    const child = compileNode(node.not);
    return (read) => {
      const trace = child(read);
      return { kind: "not", result: !trace.result, child: trace };
    };
  }
  return compileLeaf(node, normalizeLeaf(node));
}

function compileLeaf(source: { fact: string; operator: LeafTrace["operator"]; value?: LeafTrace["value"] }, leaf: NormalizedLeaf) {
  const { fact } = leaf;
  const context = phraseFacts(fact).flatMap((name) => factsByName.get(name) ?? []);
  const test = leafTest(leaf);
  return (read: Reader): LeafTrace => {
    const x = read(fact);
    const { result, baseline, other } = test(x, read);
    const trace: LeafTrace = { kind: "leaf", ...source, factValue: display(fact, x), result };
    if (baseline) trace.baseline = baseline;
    if (other) trace.other = other;
    if (context.length) trace.context = Object.fromEntries(context.map((c) => [c.name, display(c, read(c))]));
    return trace;
  };
}

type LeafOutcome = { result: boolean; baseline?: NonNullable<LeafTrace["baseline"]>; other?: NonNullable<LeafTrace["other"]> };

/** Beyond this the product factor × other could overflow (in SQL an error): such a value counts as unknown on both sides. */
export const maxScaledMagnitude = 1e300;

function leafTest(leaf: NormalizedLeaf): (x: Comparable, read: Reader) => LeafOutcome {
  switch (leaf.shape) {
    case "compare": {
      const cmp = compare[leaf.operator];
      const v = leaf.operand;
      const whenUnknown = leaf.operator === "notEqual";
      return (x) => ({ result: isScalar(x) ? cmp(x, v) : whenUnknown });
    }
    case "list": {
      const values = leaf.operands;
      const want = leaf.operator === "in";
      return (x) => ({ result: isScalar(x) ? values.includes(x) === want : !want });
    }
    case "exists": {
      const want = leaf.operator === "exists";
      return (x) => ({ result: (x !== null) === want });
    }
    case "fact": {
      const cmp = compare[leaf.operator];
      const { other, factor } = leaf;
      return (x, read) => {
        const raw = read(other);
        let y: Comparable = raw;
        if (factor !== null) y = typeof raw === "number" && Math.abs(raw) < maxScaledMagnitude ? raw * factor : null;
        return {
          result: isScalar(x) && isScalar(y) && cmp(x, y),
          other: { fact: other.name, value: display(other, raw), ...(factor !== null ? { factor } : {}) },
        };
      };
    }
    case "between": {
      const { lo, hi } = leaf;
      return (x) => ({ result: isScalar(x) && lo <= x && x <= hi });
    }
    case "element": {
      const { operand } = leaf;
      const want = leaf.operator === "contains";
      return (x) => ({ result: Array.isArray(x) && x.includes(operand) === want });
    }
    case "baseline": {
      const { fraction, baseline, operator } = leaf;
      return (x, read) => {
        const c = typeof x === "number" ? x : null;
        const bv = read(baseline);
        const b = typeof bv === "number" ? bv : null;
        const change = c !== null && b !== null && b > 0 ? (c - b) / b : null;
        let result = false;
        if (c !== null && b !== null) {
          if (operator === "decreasedByAtLeast") result = change !== null && change <= -fraction;
          // From a zero baseline any activity counts as an increase (an unbounded one).
          else result = b > 0 ? change !== null && change >= fraction : b === 0 && c > 0;
        }
        return { result, baseline: { fact: baseline.name, value: b, change } };
      };
    }
  }
}

const isScalar = (x: Comparable): x is Operand => x !== null && !Array.isArray(x);

// Operands and fact values of one fact have the same JS type (validated and read per type).
const compare: Record<Extract<NormalizedLeaf, { shape: "compare" }>["operator"], (x: Operand, v: Operand) => boolean> = {
  equal: (x, v) => x === v,
  notEqual: (x, v) => x !== v,
  lessThan: (x, v) => x < v,
  lessThanInclusive: (x, v) => x <= v,
  greaterThan: (x, v) => x > v,
  greaterThanInclusive: (x, v) => x >= v,
};

/** Reads facts once per evaluation, in comparable form, checking each value's type. */
function reader(facts: FactValues): Reader {
  const cache = new Map<string, Comparable>();
  const read: Reader = (fact) => {
    const hit = cache.get(fact.name);
    if (hit !== undefined) return hit;
    let value: Comparable;
    if (fact.source === "derived") {
      value = deriveFact[fact.name as DerivedFactName]((name) => read(factsByName.get(name)!));
    } else {
      value = comparable(fact, (facts as Record<string, unknown>)[fact.name as InputFactName]);
    }
    cache.set(fact.name, value);
    return value;
  };
  return read;
}

function comparable(fact: FactDefinition, v: unknown): Comparable {
  if (v === null || v === undefined) return null;
  const wrong = () => new TypeError(`fact ${fact.name} should be ${fact.type}, got ${typeof v} ${String(v).slice(0, 40)}`);
  switch (fact.type) {
    case "number":
    case "integer":
      if (typeof v !== "number") throw wrong();
      return Number.isFinite(v) ? v : null;
    case "boolean":
      if (typeof v !== "boolean") throw wrong();
      return v;
    case "string":
      if (typeof v !== "string") throw wrong();
      return v;
    case "string[]":
      if (!Array.isArray(v)) throw wrong();
      return v;
    case "timestamp": {
      if (!(v instanceof Date)) throw wrong();
      const ms = v.getTime();
      return Number.isNaN(ms) ? null : ms;
    }
    case "tier": {
      const rank = typeof v === "string" ? tierRank(v) : null;
      if (rank === null) throw wrong();
      return rank;
    }
  }
}

function display(fact: FactDefinition, x: Comparable): TraceFactValue {
  if (x === null) return null;
  if (fact.type === "timestamp" && typeof x === "number") return new Date(x).toISOString();
  if (fact.type === "tier" && typeof x === "number") return tierNameOf(x);
  if (Array.isArray(x)) return x.filter((e): e is string => typeof e === "string");
  return x as Operand;
}
