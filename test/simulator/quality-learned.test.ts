// The fitted-model alert study (bench/quality-learned.ts): its outcome is observable from the
// workspace's own data and judged against the customer's own rate, as the rules' shortfall is.
import { describe, expect, it } from "vitest";
import { budgetLine, outcomeOf, stillBuying, thinChance } from "../../bench/quality-learned.ts";
import { CAPTURED_FACTS, type Capture, type CapturedFact } from "../../bench/quality-capture.ts";
import { shortfallChance } from "../../rules/facts.ts";

const DAY = 86_400_000;
const t0 = Date.parse("2026-03-01T00:00:00Z");

/** A capture of two daily passes 30 days apart, each customer's facts given by name (the rest unknown). */
function capture(days: [Partial<Record<CapturedFact, number>>[], Partial<Record<CapturedFact, number>>[]]): Capture {
  const F = CAPTURED_FACTS.length;
  const values = days.map((rows) => {
    const out = new Float64Array(rows.length * F).fill(NaN);
    rows.forEach((facts, i) => {
      for (const [name, v] of Object.entries(facts)) out[i * F + CAPTURED_FACTS.indexOf(name as CapturedFact)] = v;
    });
    return out;
  });
  return {
    seed: 0,
    customers: days[0].length,
    days: 30,
    customerIds: days[0].map((_, i) => `c${i}`),
    at: [t0, t0 + 30 * DAY],
    values,
    truth: [],
    serviceAlerts: [],
    service: null as never,
  };
}

describe("fitted-model alert study", () => {
  it("judges a 30-day window by the same chance as the rules' shortfall fact", () => {
    for (const [k, n, t] of [
      [0, 12, 120],
      [1, 12, 120],
      [3, 4.5, 45],
      [0, 1, 30],
      [5, 40, 180],
    ] as const) {
      expect(thinChance(k, n, t, 30)).toBeCloseTo(shortfallChance(k, n, t)!, 6);
    }
    // A longer window of nothing is rarer for the same customer.
    expect(thinChance(0, 12, 120, 45)).toBeLessThan(thinChance(0, 12, 120, 30));
  });

  it("labels the next window from the customer's own later facts: thin against their usual rate, or no purchase at all", () => {
    const usual = { ordersTotal: 13, orders30dUsual: 3, baselineDaysKnown: 120, lastPurchaseAt: t0 - 2 * DAY };
    const c = capture([
      [usual, usual, { ...usual, orders30dUsual: 0.5 }, { ...usual, orders30dUsual: 6 }],
      [
        // Kept buying at their usual rate (12 orders in 120 days).
        { ordersTotal: 16, lastPurchaseAt: t0 + 25 * DAY },
        // No order in a month against a usual three: less than a 1-in-10 month, and no purchase.
        { ordersTotal: 13, lastPurchaseAt: t0 - 2 * DAY },
        // No order in a month, but they usually buy every two months: not thin, yet no purchase.
        { ordersTotal: 13, lastPurchaseAt: t0 - 2 * DAY },
        // One order against a usual six a month: thin, though they did buy.
        { ordersTotal: 14, lastPurchaseAt: t0 + 3 * DAY },
      ],
    ]);
    expect([0, 1, 2, 3].map((i) => outcomeOf(c, 0, 1, i, "thin", 30))).toEqual([0, 1, 0, 1]);
    expect([0, 1, 2, 3].map((i) => outcomeOf(c, 0, 1, i, "none", 30))).toEqual([0, 1, 1, 0]);
  });

  it("counts as still buying a repeat buyer with a usual rate who is not silent beyond twice their usual longest gap", () => {
    const read = (facts: Partial<Record<CapturedFact, number>>) => (f: CapturedFact) => facts[f] ?? NaN;
    expect(stillBuying(read({ ordersTotal: 5, orders30dUsual: 2, gapSilenceRatio: 1.5 }))).toBe(true);
    expect(stillBuying(read({ ordersTotal: 5, orders30dUsual: 2 }))).toBe(true);
    expect(stillBuying(read({ ordersTotal: 5, orders30dUsual: 2, gapSilenceRatio: 2.5 }))).toBe(false);
    expect(stillBuying(read({ ordersTotal: 1, orders30dUsual: 2, gapSilenceRatio: 0.5 }))).toBe(false);
    expect(stillBuying(read({ ordersTotal: 5, gapSilenceRatio: 0.5 }))).toBe(false);
  });

  it("draws the alert line so that at most the budget's customers were above it in 28 days, or at the top step when it ties more", () => {
    // 1,000 customers at 5 per 1,000 a week: 20 in 28 days.
    const peaks = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const line = budgetLine(peaks, 5, 1000);
    expect(peaks.filter((p) => p >= line).length).toBe(20);
    // Unscored customers (−1) are not counted; with fewer scored than allowed everyone scored is above the line.
    expect(budgetLine([0.2, 0.1, -1, -1], 5, 1000)).toBeLessThanOrEqual(0.1);
    expect(budgetLine([-1, -1], 5, 1000)).toBe(Infinity);
    // A calibrated step function: 30 customers share the top probability, more than the 20 allowed.
    const steps = [...Array.from({ length: 30 }, () => 0.9), ...Array.from({ length: 970 }, () => 0.1)];
    expect(budgetLine(steps, 5, 1000)).toBe(0.9);
  });
});
