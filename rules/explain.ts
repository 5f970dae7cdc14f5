// A trace → sentences about the customer, from the catalogue's phrase templates:
// "uses 3 competitor apps (rival-beauty, glowmall, skinnow) in the last 30 days".
//
// Only the conditions that decided the outcome are explained: for a match, every leaf
// of a true `all`, the true children of an `any`, and under `not` the leaves that were
// false (a matched `not unsubscribed = true` explains itself as "is subscribed to
// marketing"). Phrases state the customer's value, so they read right either way. For a
// miss, each sentence also says what the condition needed: "spent 90,000 KRW at
// competitors in the last 30 days — needs at least 100,000 KRW".
import type { FactDefinition } from "./facts.ts";
import { factCatalogue } from "./facts.ts";
import type { LeafTrace, RuleTrace, TraceFactValue } from "./trace.ts";
import type { Operator } from "./vocabulary.ts";

export type ExplainOptions = { /** ISO 4217 code of the workspace currency. */ currency?: string };

export function explainTrace(
  trace: RuleTrace,
  catalogue: readonly FactDefinition[] = factCatalogue,
  options: ExplainOptions = {},
): string[] {
  const facts = new Map(catalogue.map((f) => [f.name, f]));
  const fmt = formatter(options.currency ?? "KRW");
  const miss = !trace.result;
  const sentences = [
    ...new Set(
      decidingLeaves(trace, trace.result, false).map(({ leaf, negated }) => {
        const text = sentence(leaf, facts, fmt);
        return miss ? `${text} — ${requirement(leaf, negated, facts, fmt)}` : text;
      }),
    ),
  ];
  // "spent X" says less than "spent X against a usual Y" about the same fact.
  return sentences.filter((s) => !sentences.some((t) => t.startsWith(`${s} against a usual`)));
}

/** The leaves that make `node.result === want` true; negated: under an odd number of nots. */
function decidingLeaves(node: RuleTrace, want: boolean, negated: boolean): { leaf: LeafTrace; negated: boolean }[] {
  switch (node.kind) {
    case "leaf":
      return node.result === want ? [{ leaf: node, negated }] : [];
    case "not":
      return decidingLeaves(node.child, !want, !negated);
    case "all":
    case "any": {
      // all is true when every child is; any is false when every child is.
      const every = (node.kind === "all") === want;
      return node.children.filter((c) => every || c.result === want).flatMap((c) => decidingLeaves(c, want, negated));
    }
  }
}

// What a leaf asks for, and (negated) what `not` of it asks for.
const needs: Record<Operator, [string, string]> = {
  equal: ["needs {v}", "needs anything but {v}"],
  notEqual: ["needs anything but {v}", "needs {v}"],
  lessThan: ["needs less than {v}", "needs at least {v}"],
  lessThanInclusive: ["needs at most {v}", "needs more than {v}"],
  greaterThan: ["needs more than {v}", "needs at most {v}"],
  greaterThanInclusive: ["needs at least {v}", "needs less than {v}"],
  in: ["needs one of {v}", "needs none of {v}"],
  notIn: ["needs none of {v}", "needs one of {v}"],
  contains: ["needs {v} among them", "needs {v} not among them"],
  doesNotContain: ["needs {v} not among them", "needs {v} among them"],
  between: ["needs between {v}", "needs outside {v}"],
  decreasedByAtLeast: ["needs a fall of at least {v} against the usual", "needs less than a {v} fall against the usual"],
  increasedByAtLeast: ["needs a rise of at least {v} against the usual", "needs less than a {v} rise against the usual"],
  exists: ["needs a known value", "needs no value"],
  notExists: ["needs no value", "needs a known value"],
};

function requirement(leaf: LeafTrace, negated: boolean, facts: Map<string, FactDefinition>, fmt: Format): string {
  const fact = facts.get(leaf.fact);
  const one = (v: unknown) => (typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? (fmt(fact, v) ?? String(v)) : JSON.stringify(v));
  const v = leaf.value;
  let shown: string;
  if (leaf.operator === "decreasedByAtLeast" || leaf.operator === "increasedByAtLeast") shown = `${Math.round(Number(v) * 100)}%`;
  else if (leaf.other) {
    const other = facts.get(leaf.other.fact);
    const label = other?.label ?? leaf.other.fact;
    const base = typeof leaf.other.value === "number" && leaf.other.factor !== undefined ? leaf.other.value * leaf.other.factor : leaf.other.value;
    const value = base === null ? "unknown" : (fmt(other, base) ?? String(base));
    shown = `${leaf.other.factor !== undefined ? `${number(leaf.other.factor, 2)} × ` : ""}${label} (${value})`;
  } else if (Array.isArray(v)) shown = leaf.operator === "between" ? `${one(v[0])} and ${one(v[1])}` : v.map(one).join(", ");
  else shown = one(v);
  return needs[leaf.operator][negated ? 1 : 0].replace("{v}", shown);
}

type Format = (fact: FactDefinition | undefined, v: TraceFactValue) => string | null;

function sentence(leaf: LeafTrace, facts: Map<string, FactDefinition>, fmt: Format): string {
  const fact = facts.get(leaf.fact);
  const v = leaf.factValue;
  if (!fact) return `${leaf.fact} is ${v === null ? "unknown" : JSON.stringify(v)}`;
  const { phrase } = fact;
  if (v === null) return phrase.whenNull ?? `${fact.label} is unknown`;
  if (v === false) return phrase.whenFalse ?? `${fact.label}: no`;
  const template = v === 1 && phrase.one ? phrase.one : phrase.text;
  const values = (name: string) => (name === "value" ? fmt(fact, v) : fmt(facts.get(name), leaf.context?.[name] ?? null));
  let text = render(template, values);
  if (leaf.baseline && leaf.baseline.value !== null) {
    const { value: b, change } = leaf.baseline;
    const usual = fmt(facts.get(leaf.baseline.fact), b);
    const delta = change !== null ? signedPercent(change) : typeof v === "number" && v > 0 ? "new" : null;
    text += ` against a usual ${usual}${delta ? ` (${delta})` : ""}`;
  }
  return text;
}

/** `{name}` placeholders; `[…]` sections vanish when a placeholder inside has no value. */
function render(template: string, values: (name: string) => string | null): string {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, name: string) => values(name) ?? "unknown");
  return fill(
    template.replace(/\[([^\]]*)\]/g, (_, inner: string) =>
      [...inner.matchAll(/\{(\w+)\}/g)].every((m) => values(m[1]!) !== null) ? inner : "",
    ),
  );
}

const signedPercent = (x: number) => {
  const p = Math.round(x * 100);
  return `${p > 0 ? "+" : p < 0 ? "−" : "±"}${Math.abs(p)}%`;
};

// Intl.NumberFormat objects are costly to build (tens of µs) and scoring explains every
// matched rule of every customer: build each one once.
const numberFormats = new Map<string, Intl.NumberFormat>();
const number = (v: number, max: number, min = 0) => {
  const key = `${min}/${max}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat("en-US", { minimumFractionDigits: min, maximumFractionDigits: max })));
  return f.format(v);
};
const currencyDigitsOf = new Map<string, number>();

function formatter(currency: string): Format {
  let currencyDigits = currencyDigitsOf.get(currency);
  if (currencyDigits === undefined) {
    currencyDigits = 2;
    try {
      currencyDigits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      // An unknown code still prints, with two decimals.
    }
    currencyDigitsOf.set(currency, currencyDigits);
  }
  const digits = currencyDigits;
  return (fact, v) => {
    if (v === null) return null;
    if (Array.isArray(v)) return v.length ? v.join(", ") : null;
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "string") return fact?.type === "timestamp" ? v.slice(0, 10) : v;
    switch (fact?.unit) {
      case "currency":
        return `${number(v, digits)} ${currency}`;
      case "count":
        // Baselines are averages: always one decimal, so "a usual 3.0" reads as one.
        return fact.window === "baseline" ? number(v, 1, 1) : number(v, 1);
      case "days":
        return `${number(v, 1)} ${v === 1 ? "day" : "days"}`;
      case "minutes":
        return `${number(v, 0)} ${v === 1 ? "minute" : "minutes"}`;
      case "fraction":
        return `${number(v * 100, 0)}%`;
      case "change":
        return signedPercent(v);
      case "ratio":
        return `${number(v, 1)}×`;
      default:
        return number(v, 2);
    }
  };
}
