import { describe, expect, it } from "vitest";
import { evaluateModel, loadTransactions } from "../../../src/model/index.ts";
import { evaluationPredictions, predictionsCsv } from "../../../src/model/risk/index.ts";
import { cdnowPath } from "../data.ts";

describe("model evaluate --predictions", () => {
  it("lists every customer's churn probability, expected and actual holdout purchases, with the evaluation's AUC", async () => {
    const transactions = await loadTransactions(cdnowPath("CDNOW_sample.txt"), "cdnow-sample");
    const e = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" });
    const p = evaluationPredictions(transactions, e);
    expect(p.ids).toHaveLength(e.customers);
    expect(p.churn.auc).toBeCloseTo(e.churn.auc, 12);
    expect(p.churn.positives).toBe(e.churn.churned);
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < p.ids.length; i++) {
      predicted += p.expectedPurchases[i]!;
      actual += p.holdoutPurchases[i]!;
    }
    expect(predicted).toBeCloseTo(e.holdout.predictedRepeatPurchases, 6);
    expect(actual).toBe(e.holdout.actualRepeatPurchases);
    expect(p.churn.reliability).toHaveLength(10);
    const csv = predictionsCsv(p).trimEnd().split("\n");
    expect(csv[0]).toBe("customer_id,churn_probability,expected_purchases,holdout_purchases");
    expect(csv).toHaveLength(e.customers + 1);
  });
});
