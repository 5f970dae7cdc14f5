/**
 * Per-customer predictions of an evaluated purchase model (`model evaluate --predictions`):
 * the chosen model's churn probability (recalibrated) and expected purchases over the holdout
 * against what happened (evaluateModel's `predictions`).
 */
import type { ModelEvaluation } from "../evaluate.ts";

export type EvaluationPredictions = ModelEvaluation["predictions"];

export function predictionsCsv(p: EvaluationPredictions): string {
  const lines = ["customer_id,churn_probability,expected_purchases,holdout_purchases"];
  for (let i = 0; i < p.ids.length; i++) {
    const id = /[",\n]/.test(p.ids[i]!) ? `"${p.ids[i]!.replace(/"/g, '""')}"` : p.ids[i]!;
    lines.push(`${id},${p.churnProbability[i]!.toFixed(6)},${p.expectedPurchases[i]!.toFixed(6)},${p.holdoutPurchases[i]}`);
  }
  return lines.join("\n") + "\n";
}
