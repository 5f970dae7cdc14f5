import { describe, expect, it } from "vitest";
import { evaluateModel, loadTransactions, rocAuc } from "../../../src/model/index.ts";
import { predictionsCsv } from "../../../src/model/risk/index.ts";
import { cdnowPath } from "../data.ts";

describe("model evaluate --predictions", () => {
  it("lists every customer's chosen-model churn probability, expected and actual holdout purchases, matching the chosen model's AUC", async () => {
    const transactions = await loadTransactions(cdnowPath("CDNOW_sample.txt"), "cdnow-sample");
    const e = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" });
    const p = e.predictions;
    expect(p.ids).toHaveLength(e.customers);
    const churned = Array.from(p.holdoutPurchases, (v) => (v === 0 ? 1 : 0));
    expect(rocAuc(p.churnProbability, churned)).toBeCloseTo(e.churnModels.chosen.auc, 12);
    expect(e.churnModels.chosen.positives).toBe(e.churn.churned);
    let actual = 0;
    let predicted = 0;
    for (let i = 0; i < p.ids.length; i++) {
      actual += p.holdoutPurchases[i]!;
      predicted += p.expectedPurchases[i]!;
    }
    expect(actual).toBe(e.holdout.actualRepeatPurchases);
    expect(Math.abs(predicted - actual) / actual).toBeLessThan(0.1);
    expect(e.churnModels.chosen.reliability).toHaveLength(10);
    const csv = predictionsCsv(p).trimEnd().split("\n");
    expect(csv[0]).toBe("customer_id,churn_probability,expected_purchases,holdout_purchases");
    expect(csv).toHaveLength(e.customers + 1);
  });
});
