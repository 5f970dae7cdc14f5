import { describe, it, expect } from "vitest";
import { evaluateModel, loadTransactions, rocAuc } from "../../src/model/evaluate.ts";
import { cdnowPath } from "./data.ts";

describe("rocAuc", () => {
  it("is 1 when every positive outscores every negative", () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
  });

  it("is 0 when the ranking is reversed", () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
  });

  it("counts ties as one half, by average rank", () => {
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    // Pairs (pos, neg): (0.8, 0.3) win, (0.8, 0.5) win, (0.5, 0.3) win, (0.5, 0.5) tie → 3.5 / 4.
    expect(rocAuc([0.8, 0.5, 0.5, 0.3], [1, 1, 0, 0])).toBe(0.875);
  });

  it("is NaN when one class is empty", () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});

describe("evaluateModel on the CDNOW sample", async () => {
  const transactions = await loadTransactions(cdnowPath("CDNOW_sample.txt"), "cdnow-sample");
  const r = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" });

  it("fits the published BG/NBD parameters on the calibration period by plain maximum likelihood (penalizer 0)", () => {
    const plain = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", penalizer: 0 });
    expect(plain.customers).toBe(2357);
    expect(plain.bgnbd.params.r).toBeCloseTo(0.243, 3);
    expect(plain.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(plain.gammaGamma?.customers).toBe(946);
  });

  it("reports the actual holdout purchases and a prediction of the same order", () => {
    expect(r.holdoutWeeks).toBe(39);
    expect(r.holdout.actualRepeatPurchases).toBe(1882);
    expect(r.holdout.predictedRepeatPurchases / r.holdout.actualRepeatPurchases).toBeGreaterThan(0.8);
    expect(r.holdout.predictedRepeatPurchases / r.holdout.actualRepeatPurchases).toBeLessThan(1.2);
  });

  it("ranks churners better than chance, and reports the recency baseline", () => {
    expect(r.churn.churned + r.churn.active).toBe(2357);
    expect(r.churn.auc).toBeGreaterThan(0.6);
    expect(r.churn.recencyBaselineAuc).toBeGreaterThan(0.6);
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("narrows the churn label to a shorter horizon", () => {
    const short = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", horizonDays: 91 });
    expect(short.churn.horizonDays).toBe(91);
    expect(short.churn.churned).toBeGreaterThan(r.churn.churned);
  });

  it("rejects a horizon longer than the holdout", () => {
    expect(() => evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", horizonDays: 400 })).toThrow(/horizonDays/);
  });
});
