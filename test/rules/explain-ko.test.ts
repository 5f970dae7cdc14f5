import { describe, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import type { RuleConditions } from "../../rules/conditions.ts";
import { explainTrace, formatAmount } from "../../rules/explain.ts";
import { factCatalogue, phraseFacts, type FactValues } from "../../rules/facts.ts";
import { koPhrases } from "../../rules/phrases-ko.ts";
import { operators } from "../../rules/vocabulary.ts";
import { koNeeds } from "../../rules/phrases-ko.ts";

const leaf = (fact: string, operator: string, value: unknown) => ({ fact, operator, value });
const ko = (conditions: unknown, facts: FactValues, currency?: string) =>
  explainTrace(compileRule(conditions as RuleConditions)(facts).trace, factCatalogue, { locale: "ko", ...(currency ? { currency } : {}) });
const placeholders = (t: string | undefined) => [...(t ?? "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

describe("the Korean phrases", () => {
  test("every fact in the catalogue has Korean words", () => {
    const missing = factCatalogue.filter((f) => !(f.name in koPhrases)).map((f) => f.name);
    expect(missing).toEqual([]);
  });

  test("each Korean template uses only what the trace captures for its fact", () => {
    // A placeholder the English phrase lacks is never captured, so it would read "알 수 없음".
    const stray = factCatalogue.flatMap((f) => {
      const p = koPhrases[f.name as keyof typeof koPhrases];
      const allowed = new Set(["value", ...phraseFacts(f)]);
      return [p.text, p.whenNull, p.whenFalse].flatMap(placeholders).filter((n) => !allowed.has(n)).map((n) => `${f.name}:${n}`);
    });
    expect(stray).toEqual([]);
  });

  test("a Korean sentence has no Latin words of its own", () => {
    // Values (tier names, app names, ISO codes) may be Latin; the templates' words are not.
    const latin = factCatalogue.filter((f) => {
      const p = koPhrases[f.name as keyof typeof koPhrases];
      return [p.label, p.text, p.whenNull ?? "", p.whenFalse ?? ""].some((t) => /[A-Za-z]{2,}/.test(t.replace(/\{\w+\}/g, "").replace("BG/NBD", "")));
    });
    expect(latin.map((f) => f.name)).toEqual([]);
  });

  test("every operator says what a miss needed, both ways", () => {
    expect(operators.filter((o) => !koNeeds[o]?.[0] || !koNeeds[o]?.[1])).toEqual([]);
  });
});

describe("explainTrace in Korean", () => {
  test("writes KRW as 원 and counts with their counter", () => {
    expect(ko(leaf("competitorSpend30d", "greaterThanInclusive", 100_000), { competitorSpend30d: 120_000 })).toEqual(["최근 30일 경쟁사 구매액 120,000원"]);
    expect(ko(leaf("competitorApps30d", "greaterThanInclusive", 3), { competitorApps30d: 3, competitorAppNames30d: ["rival-beauty", "glowmall", "skinnow"] })).toEqual([
      "최근 30일 경쟁사 앱 3개 사용 (rival-beauty, glowmall, skinnow)",
    ]);
  });

  test("leaves out a section whose value is missing", () => {
    expect(ko(leaf("competitorApps30d", "lessThan", 3), { competitorApps30d: 0, competitorAppNames30d: [] })).toEqual(["최근 30일 경쟁사 앱 0개 사용"]);
  });

  test("compares with the usual as 평소 … 대비", () => {
    expect(ko(leaf("orders30d", "decreasedByAtLeast", 0.5), { orders30d: 1, orders30dBaseline: 3 })).toEqual(["최근 30일 주문 1회, 평소 3.0회 대비 (−67%)"]);
    expect(ko(leaf("competitorSpend30d", "increasedByAtLeast", 0.5), { competitorSpend30d: 50_000, competitorSpend30dBaseline: 0 })).toEqual([
      "최근 30일 경쟁사 구매액 50,000원, 평소 0원 대비 (신규)",
    ]);
  });

  test("says a fact once, preferring the sentence with the baseline", () => {
    const rule = { all: [leaf("spend30d", "decreasedByAtLeast", 0.3), leaf("spend30d", "greaterThan", 0)] };
    expect(ko(rule, { spend30d: 40_000, spend30dBaseline: 120_000 })).toEqual(["최근 30일 구매액 40,000원, 평소 120,000원 대비 (−67%)"]);
  });

  test("explains silence in days and as a multiple of the usual interval", () => {
    expect(ko(leaf("silenceRatio", "greaterThan", 2), { daysSinceLastPurchase: 64, purchaseIntervalDays: 24 })).toEqual([
      "64일째 구매 없음, 평소 구매 주기 24일의 2.7배",
    ]);
  });

  test("reads the tier, percentages, a false boolean and a missing value", () => {
    expect(ko(leaf("tier", "greaterThanInclusive", "Gold"), { tier: "Gold" })).toEqual(["Gold 등급 고객"]);
    expect(ko(leaf("churnProbability", "greaterThan", 0.5), { churnProbability: 0.724 })).toEqual(["이탈 확률 72%"]);
    expect(ko({ not: leaf("unsubscribed", "equal", true) }, { unsubscribed: false })).toEqual(["마케팅 수신 동의"]);
    expect(ko({ not: leaf("churnProbability", "greaterThan", 0.5) }, {})).toEqual(["아직 모델 예측 없음"]);
  });

  test("a miss says what was needed, in the fact's unit", () => {
    const rule = { all: [leaf("tier", "greaterThanInclusive", "Gold"), leaf("competitorSpend30d", "greaterThanInclusive", 100_000)] };
    expect(ko(rule, { tier: "Gold", competitorSpend30d: 90_000 })).toEqual(["최근 30일 경쟁사 구매액 90,000원 — 기준 100,000원 이상"]);
  });

  test("a miss against another fact names it, its factor and the value", () => {
    const rule = { fact: "spend30d", operator: "lessThan", value: { fact: "spend30dBaseline", factor: 0.5 } };
    expect(ko(rule, { spend30d: 50_000, spend30dBaseline: 80_000 })).toEqual(["최근 30일 구매액 50,000원 — 기준 평소 30일 구매액의 0.5배(40,000원) 미만"]);
  });

  test("a miss on a yes/no fact names the value needed in the fact's words, both ways", () => {
    expect(ko({ not: leaf("unsubscribed", "equal", true) }, { unsubscribed: true })).toEqual(["마케팅 수신 거부 — 기준 마케팅 수신 동의"]);
    expect(ko(leaf("unsubscribed", "equal", true), { unsubscribed: false })).toEqual(["마케팅 수신 동의 — 기준 마케팅 수신 거부"]);
  });

  test("a miss of a baseline change and of a range", () => {
    expect(ko(leaf("orders30d", "decreasedByAtLeast", 0.5), { orders30d: 2, orders30dBaseline: 3 })).toEqual([
      "최근 30일 주문 2회, 평소 3.0회 대비 (−33%) — 기준 평소 대비 50% 이상 감소",
    ]);
    expect(ko(leaf("orders30d", "between", [3, 5]), { orders30d: 1 })).toEqual(["최근 30일 주문 1회 — 기준 3회~5회 범위"]);
  });

  test("English stays the default", () => {
    const { trace } = compileRule(leaf("competitorSpend30d", "greaterThan", 1) as RuleConditions)({ competitorSpend30d: 120_000 });
    expect(explainTrace(trace)).toEqual(["spent 120,000 KRW at competitors in the last 30 days"]);
    expect(explainTrace(trace, factCatalogue, { locale: "en" })).toEqual(["spent 120,000 KRW at competitors in the last 30 days"]);
  });
});

describe("formatAmount", () => {
  test("KRW in Korean is 원 with no decimals", () => {
    expect(formatAmount(90_000, "KRW", "ko")).toBe("90,000원");
    expect(formatAmount(1_234_567.4, "KRW", "ko")).toBe("1,234,567원");
  });
  test("another currency in Korean keeps its code and its decimals", () => {
    expect(formatAmount(12.5, "USD", "ko")).toBe("12.50 USD");
    expect(formatAmount(1500, "JPY", "ko")).toBe("1,500 JPY");
  });
  test("English keeps the code after the number", () => {
    expect(formatAmount(90_000, "KRW")).toBe("90,000 KRW");
    expect(formatAmount(12.5, "USD", "en")).toBe("12.5 USD");
  });
  test("days, minutes and ratios in Korean", () => {
    expect(ko(leaf("daysSinceLastPurchase", "greaterThan", 30), { daysSinceLastPurchase: 45 })).toEqual(["마지막 구매 후 45일 경과"]);
    expect(ko(leaf("competitorMinutes30d", "greaterThan", 30), { competitorMinutes30d: 95 })).toEqual(["최근 30일 경쟁사 앱 사용 시간 95분"]);
    expect(ko(leaf("competitorShareOfWallet30d", "greaterThan", 0.5), { competitorSpend30d: 120_000, spend30d: 80_000 })).toEqual([
      "최근 30일 지출 중 경쟁사 비중 60% (경쟁사 120,000원, 자사 80,000원)",
    ]);
  });
});
