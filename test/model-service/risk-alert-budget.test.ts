// The learned risk model's alert line: the lowest probability at which customers newly crossing
// it, between the fit's own as-of dates, stay within the workspace's alert budget.
import { describe, expect, test } from "vitest";
import { alertLineForBudget } from "../../src/model-fits/risk/alert-budget.ts";

/** Two dates 14 days apart (two weeks), the same customers on both; a stayer counts half an alert (realert after 28 days). */
const twoDates = (before: number[], after: number[]) => {
  const customerIds = before.map((_, i) => `c${i}`);
  return [
    { customerIds, probabilities: before },
    { customerIds, probabilities: after },
  ];
};
const line = (dates: ReturnType<typeof twoDates>, budgetPer1kPerWeek: number, scale = { perSampled: 1, customers: 1000 }) =>
  alertLineForBudget({ dates, stepDays: 14, realertDays: 28, ...scale, budgetPer1kPerWeek });

describe("alertLineForBudget", () => {
  test("takes the lowest line at which new crossings fit the budget", () => {
    // With 1,000 customers over two weeks, an alert is 0.5 per 1,000 a week.
    // Line 0.8: one crossing (0.5); 0.5: two (1); 0.3: three (1.5).
    const dates = twoDates([0.1, 0.1, 0.1, 0.1], [0.1, 0.3, 0.5, 0.8]);
    expect(line(dates, 1)).toEqual({ threshold: 0.5, expectedPer1kPerWeek: 1 });
    expect(line(dates, 0.6)).toEqual({ threshold: 0.8, expectedPer1kPerWeek: 0.5 });
  });

  test("counts a customer who stays above the line as stepDays / realertDays of an alert", () => {
    // Line 0.9: one stayer (half an alert: 0.25); line 0.2: two stayers (0.5).
    expect(line(twoDates([0.9, 0.2], [0.9, 0.2]), 0.3)).toEqual({ threshold: 0.9, expectedPer1kPerWeek: 0.25 });
  });

  test("counts a customer not yet a buyer on the date before as a new crossing", () => {
    const dates = [
      { customerIds: ["a"], probabilities: [0.1] },
      { customerIds: ["a", "b"], probabilities: [0.1, 0.7] },
    ];
    expect(alertLineForBudget({ dates, stepDays: 14, realertDays: 28, perSampled: 1, customers: 1000, budgetPer1kPerWeek: 0.5 })).toEqual({
      threshold: 0.7,
      expectedPer1kPerWeek: 0.5,
    });
  });

  test("scales a sample up to the workspace: each sampled buyer stands for perSampled, per 1,000 of all customers", () => {
    // Line 0.8: 1 crossing × 10 buyers per sampled one over 2,000 customers and two weeks = 2.5.
    expect(line(twoDates([0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.8]), 3, { perSampled: 10, customers: 2000 })).toEqual({ threshold: 0.8, expectedPer1kPerWeek: 2.5 });
  });

  test("is the highest probability when even that line is over the budget, and says by how much", () => {
    expect(line(twoDates([0.1, 0.1, 0.1, 0.1], [0.9, 0.9, 0.9, 0.9]), 1)).toEqual({ threshold: 0.9, expectedPer1kPerWeek: 2 });
  });
});
