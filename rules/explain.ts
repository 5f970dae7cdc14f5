// A trace → sentences about the customer, from the catalogue's phrase templates:
// "uses 3 competitor apps (rival-beauty, glowmall, skinnow) in the last 30 days".
//
// Only the conditions that decided the outcome are explained: for a match, every leaf
// of a true `all`, the true children of an `any`, and under `not` the leaves that were
// false (a matched `not unsubscribed = true` explains itself as "is subscribed to
// marketing"). Phrases state the customer's value, so they read right either way. For a
// miss, each sentence also says what the condition needed: "spent 90,000 KRW at
// competitors in the last 30 days — needs at least 100,000 KRW".
//
// In Korean (locale "ko") the words come from phrases-ko.ts and amounts read as the
// workspace writes them: "최근 30일 경쟁사 구매액 90,000원 — 기준 100,000원 이상".
import type { FactDefinition, FactPhrase } from "./facts.ts";
import { factCatalogue } from "./facts.ts";
import { koNeeds, koPhrases, type KoPhrase } from "./phrases-ko.ts";
import type { LeafTrace, RuleTrace, TraceFactValue } from "./trace.ts";
import type { Operator } from "./vocabulary.ts";

export const locales = ["ko", "en"] as const;
export type Locale = (typeof locales)[number];

export type ExplainOptions = {
  /** ISO 4217 code of the workspace currency. */
  currency?: string;
  /** The language of the sentences; English unless given. */
  locale?: Locale;
};

export function explainTrace(
  trace: RuleTrace,
  catalogue: readonly FactDefinition[] = factCatalogue,
  options: ExplainOptions = {},
): string[] {
  const facts = new Map(catalogue.map((f) => [f.name, f]));
  const lang = options.locale === "ko" ? korean : english;
  const fmt = formatter(options.currency ?? "KRW", lang);
  const miss = !trace.result;
  const sentences = [
    ...new Set(
      decidingLeaves(trace, trace.result, false).map(({ leaf, negated }) => {
        const text = sentence(leaf, facts, fmt, lang);
        return miss ? `${text} — ${requirement(leaf, negated, facts, fmt, lang)}` : text;
      }),
    ),
  ];
  // "spent X" says less than "spent X against a usual Y" about the same fact.
  return sentences.filter((s) => !sentences.some((t) => t.startsWith(`${s}${lang.usualPrefix}`)));
}

/**
 * The words of one language. English reads the catalogue's own phrases; another language
 * supplies its own per fact (a fact it lacks falls back to English, which the specs forbid).
 */
type Language = {
  phrase(fact: FactDefinition): FactPhrase & { counter?: string };
  label(fact: FactDefinition): string;
  needs: Record<Operator, [string, string]>;
  unknown: string;
  yes: string;
  no: string;
  unknownFact(name: string, value: string): string;
  isUnknown(label: string): string;
  isFalse(label: string): string;
  /** What joins a sentence to its baseline; also how a sentence with one is recognised. */
  usualPrefix: string;
  usual(usual: string | null, delta: string | null): string;
  newValue: string;
  between(a: string, b: string): string;
  times(factor: string, label: string, value: string): string;
  amount(v: number, currency: string, digits: number): string;
  days(v: number): string;
  minutes(v: number): string;
  ratio(v: number): string;
  /** A miss on a yes/no fact names the value needed by its phrase rather than "yes"/"no". */
  booleansAsPhrases: boolean;
};

const english: Language = {
  phrase: (fact) => fact.phrase,
  label: (fact) => fact.label,
  needs: {
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
  },
  unknown: "unknown",
  yes: "yes",
  no: "no",
  unknownFact: (name, value) => `${name} is ${value}`,
  isUnknown: (label) => `${label} is unknown`,
  isFalse: (label) => `${label}: no`,
  usualPrefix: " against a usual",
  usual: (usual, delta) => ` against a usual ${usual}${delta ? ` (${delta})` : ""}`,
  newValue: "new",
  between: (a, b) => `${a} and ${b}`,
  times: (factor, label, value) => `${factor} × ${label} (${value})`,
  amount: (v, currency, digits) => `${number(v, digits)} ${currency}`,
  days: (v) => `${number(v, 1)} ${v === 1 ? "day" : "days"}`,
  minutes: (v) => `${number(v, 0)} ${v === 1 ? "minute" : "minutes"}`,
  ratio: (v) => `${number(v, 1)}×`,
  booleansAsPhrases: false,
};

const koOf = (fact: FactDefinition): KoPhrase | undefined => (koPhrases as Record<string, KoPhrase | undefined>)[fact.name];

const korean: Language = {
  phrase: (fact) => koOf(fact) ?? fact.phrase,
  label: (fact) => koOf(fact)?.label ?? fact.label,
  needs: koNeeds,
  unknown: "알 수 없음",
  yes: "예",
  no: "아니오",
  unknownFact: (name, value) => `${name}: ${value}`,
  isUnknown: (label) => `${label} 정보 없음`,
  isFalse: (label) => `${label}: 아니오`,
  usualPrefix: ", 평소",
  usual: (usual, delta) => `, 평소 ${usual} 대비${delta ? ` (${delta})` : ""}`,
  newValue: "신규",
  between: (a, b) => `${a}~${b}`,
  times: (factor, label, value) => `${label}의 ${factor}배(${value})`,
  // 원 has no minor unit in use; other currencies keep their code and their decimals: 12.50 USD.
  amount: (v, currency, digits) => (currency === "KRW" ? `${number(v, 0)}원` : `${number(v, digits, digits)} ${currency}`),
  days: (v) => `${number(v, 1)}일`,
  minutes: (v) => `${number(v, 0)}분`,
  ratio: (v) => `${number(v, 1)}배`,
  booleansAsPhrases: true,
};

/** An amount in the workspace currency, as the reasons write it: "90,000 KRW" / "90,000원". */
export function formatAmount(v: number, currency: string, locale: Locale = "en"): string {
  return (locale === "ko" ? korean : english).amount(v, currency, currencyDigits(currency));
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

function requirement(leaf: LeafTrace, negated: boolean, facts: Map<string, FactDefinition>, fmt: Format, lang: Language): string {
  const fact = facts.get(leaf.fact);
  const one = (v: unknown) => (typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? (fmt(fact, v) ?? String(v)) : JSON.stringify(v));
  const v = leaf.value;
  if (lang.booleansAsPhrases && fact?.type === "boolean" && typeof v === "boolean" && (leaf.operator === "equal" || leaf.operator === "notEqual")) {
    // "기준 예 외" says nothing; the value needed, in the fact's own words, does: "기준 마케팅 수신 동의".
    const want = (leaf.operator === "equal") !== negated ? v : !v;
    const phrase = lang.phrase(fact);
    return lang.needs.equal[0].replace("{v}", want ? phrase.text : (phrase.whenFalse ?? lang.isFalse(lang.label(fact))));
  }
  let shown: string;
  if (leaf.operator === "decreasedByAtLeast" || leaf.operator === "increasedByAtLeast") shown = `${Math.round(Number(v) * 100)}%`;
  else if (leaf.other) {
    const other = facts.get(leaf.other.fact);
    const label = other ? lang.label(other) : leaf.other.fact;
    const base = typeof leaf.other.value === "number" && leaf.other.factor !== undefined ? leaf.other.value * leaf.other.factor : leaf.other.value;
    const value = base === null ? lang.unknown : (fmt(other, base) ?? String(base));
    shown = leaf.other.factor !== undefined ? lang.times(number(leaf.other.factor, 2), label, value) : `${label} (${value})`;
  } else if (Array.isArray(v)) shown = leaf.operator === "between" ? lang.between(one(v[0]), one(v[1])) : v.map(one).join(", ");
  else shown = one(v);
  return lang.needs[leaf.operator][negated ? 1 : 0].replace("{v}", shown);
}

type Format = (fact: FactDefinition | undefined, v: TraceFactValue) => string | null;

function sentence(leaf: LeafTrace, facts: Map<string, FactDefinition>, fmt: Format, lang: Language): string {
  const fact = facts.get(leaf.fact);
  const v = leaf.factValue;
  if (!fact) return lang.unknownFact(leaf.fact, v === null ? lang.unknown : JSON.stringify(v));
  const phrase = lang.phrase(fact);
  if (v === null) return phrase.whenNull ?? lang.isUnknown(lang.label(fact));
  if (v === false) return phrase.whenFalse ?? lang.isFalse(lang.label(fact));
  const template = v === 1 && phrase.one ? phrase.one : phrase.text;
  const values = (name: string) => (name === "value" ? fmt(fact, v) : fmt(facts.get(name), leaf.context?.[name] ?? null));
  let text = render(template, values, lang.unknown);
  if (leaf.baseline && leaf.baseline.value !== null) {
    const { value: b, change } = leaf.baseline;
    const usual = fmt(facts.get(leaf.baseline.fact), b);
    const delta = change !== null ? signedPercent(change) : typeof v === "number" && v > 0 ? lang.newValue : null;
    text += lang.usual(usual, delta);
  }
  return text;
}

/** `{name}` placeholders; `[…]` sections vanish when a placeholder inside has no value. */
function render(template: string, values: (name: string) => string | null, unknown: string): string {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, name: string) => values(name) ?? unknown);
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

function currencyDigits(currency: string): number {
  let digits = currencyDigitsOf.get(currency);
  if (digits === undefined) {
    digits = 2;
    try {
      digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      // An unknown code still prints, with two decimals.
    }
    currencyDigitsOf.set(currency, digits);
  }
  return digits;
}

function formatter(currency: string, lang: Language): Format {
  const digits = currencyDigits(currency);
  return (fact, v) => {
    if (v === null) return null;
    if (Array.isArray(v)) return v.length ? v.join(", ") : null;
    if (typeof v === "boolean") return v ? lang.yes : lang.no;
    if (typeof v === "string") return fact?.type === "timestamp" ? v.slice(0, 10) : v;
    switch (fact?.unit) {
      case "currency":
        return lang.amount(v, currency, digits);
      case "count": {
        // Baselines are averages: always one decimal, so "a usual 3.0" reads as one.
        const n = fact.window === "baseline" ? number(v, 1, 1) : number(v, 1);
        return `${n}${lang.phrase(fact).counter ?? ""}`;
      }
      case "days":
        return lang.days(v);
      case "minutes":
        return lang.minutes(v);
      case "fraction":
        return `${number(v * 100, 0)}%`;
      case "change":
        return signedPercent(v);
      case "ratio":
        return lang.ratio(v);
      default:
        return number(v, 2);
    }
  };
}
