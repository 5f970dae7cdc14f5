// silenceChance: how unusual a customer's current silence is for them, the chance that a
// customer buying at their own rhythm goes this long without buying, the same in JavaScript
// and PostgreSQL.
import postgres from "postgres";
import { afterAll, describe, expect, test } from "vitest";
import { deriveFact, factsByName, silenceChance, type InputFactName } from "../../rules/facts.ts";
import { compileRule } from "../../rules/compile-js.ts";
import { explainTrace } from "../../rules/explain.ts";

describe("silenceChance", () => {
  test("at their usual longest gap, a customer with many gaps has about a 1-in-10 chance (it is their 90th percentile)", () => {
    expect(silenceChance(20, 200, 20)).toBeCloseTo(0.1, 2);
    expect(silenceChance(20, 200, 20)).toBeGreaterThan(0.1);
  });

  test("a steady buyer three times their usual longest gap silent is a real break in their rhythm", () => {
    expect(silenceChance(45, 29, 15)).toBeLessThan(0.005);
  });

  test("a seasonal buyer between seasons, within their usual longest gap, is not surprising", () => {
    expect(silenceChance(100, 14, 130)).toBeGreaterThan(0.15);
  });

  test("the same silence surprises less when their rhythm is known from few gaps", () => {
    expect(silenceChance(40, 2, 20)!).toBeGreaterThan(silenceChance(40, 20, 20)!);
    expect(silenceChance(40, 20, 20)!).toBeGreaterThan(silenceChance(40, 200, 20)!);
  });

  test("falls as the silence grows, from 1 on the day of a purchase", () => {
    expect(silenceChance(0, 10, 20)).toBe(1);
    const days = [1, 5, 10, 20, 40, 80];
    const chances = days.map((d) => silenceChance(d, 10, 20)!);
    for (let i = 1; i < chances.length; i++) expect(chances[i]).toBeLessThan(chances[i - 1]!);
  });

  test("is the Lomax tail (1 + s ln 10 / (n q))^−n, rounded to 6 decimals", () => {
    expect(silenceChance(30, 5, 25)).toBeCloseTo((1 + (30 * Math.LN10) / (5 * 25)) ** -5, 6);
  });

  test("is empty without gaps, without a usual longest gap, or with a negative silence; 0 far beyond any rhythm", () => {
    expect(silenceChance(30, 0, 25)).toBeNull();
    expect(silenceChance(30, 5, 0)).toBeNull();
    expect(silenceChance(30, 5, null)).toBeNull();
    expect(silenceChance(null, 5, 25)).toBeNull();
    expect(silenceChance(-1, 5, 25)).toBeNull();
    expect(silenceChance(1e15, 2_000_000, 0.001)).toBe(0);
  });

  test("explains itself with the silence and the usual longest gap, in English and Korean", () => {
    const { trace, matched } = compileRule({ fact: "silenceChance", operator: "lessThanInclusive", value: 0.05 })({ daysSinceLastPurchase: 45, purchaseGaps: 29, usualMaxGapDays: 15 });
    expect(matched).toBe(true);
    const [en] = explainTrace(trace);
    expect(en).toMatch(/chance of going this long without buying at their own rhythm \(silent 45 days, usually at most 15 days between purchases\)/);
    const [ko] = explainTrace(trace, undefined, { locale: "ko" });
    expect(ko).toMatch(/평소 리듬대로라면 이만큼 오래 구매하지 않을 확률 .*45일째 구매 없음, 평소 최장 구매 간격 15일/);
  });
});

describe("silenceChance in PostgreSQL", () => {
  const sql = postgres(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice: () => {} });
  afterAll(() => sql.end());

  test("computes what JavaScript computes, customer by customer", async () => {
    type Row = { days_since_last_purchase: number | null; purchase_gaps: number; usual_max_gap_days: number | null };
    const rows: Row[] = [];
    for (const days of [null, -1, 0, 0.5, 3, 17.25, 45, 400, 1e9])
      for (const gaps of [0, 1, 2, 4, 29, 1000, 2_147_483_647])
        for (const gap of [null, 0, 1e-6, 0.5, 9, 130, 1e6]) rows.push({ days_since_last_purchase: days, purchase_gaps: gaps, usual_max_gap_days: gap });
    const inJs = (r: Row) =>
      deriveFact.silenceChance((fact: InputFactName) =>
        fact === "daysSinceLastPurchase" ? r.days_since_last_purchase : fact === "purchaseGaps" ? r.purchase_gaps : fact === "usualMaxGapDays" ? r.usual_max_gap_days : null,
      );
    const got = await sql.unsafe<{ i: number; chance: number | null }[]>(
      `select f.i, ${factsByName.get("silenceChance")!.sql} as chance
       from jsonb_to_recordset($1::text::jsonb) as f(i int, days_since_last_purchase float8, purchase_gaps int, usual_max_gap_days float8)
       order by f.i`,
      [JSON.stringify(rows.map((r, i) => ({ i, ...r }))) as never],
    );
    expect(got.map((r) => r.chance)).toEqual(rows.map(inJs));
    expect(got.filter((r) => r.chance !== null && r.chance > 0 && r.chance < 1).length).toBeGreaterThan(50);
  });
});
