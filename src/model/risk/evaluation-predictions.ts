/**
 * Per-customer predictions of an evaluated purchase model (`model evaluate --predictions`):
 * churn probability and expected purchases over the holdout against what happened, with the
 * churn probability's AUC, Brier score and expected calibration error.
 */
import { conditionalExpectedPurchases, probabilityNoPurchase, type BgNbdParams } from "../bgnbd.ts";
import { buildSummary } from "../summary.ts";
import { parseDay, type TransactionTable } from "../transactions.ts";
import { probabilityReport, type ProbabilityReport } from "./metrics.ts";

export interface EvaluationPredictions {
  ids: string[];
  churnProbability: Float64Array;
  expectedPurchases: Float64Array;
  holdoutPurchases: Float64Array;
  churn: ProbabilityReport;
}

export function evaluationPredictions(
  transactions: TransactionTable,
  e: { calibrationEnd: string; holdoutEnd: string; bgnbd: { params: BgNbdParams }; churn: { horizonDays: number } },
): EvaluationPredictions {
  const calEnd = parseDay(e.calibrationEnd);
  const s = buildSummary(transactions, { calibrationEnd: calEnd, holdoutEnd: e.holdoutEnd });
  const label = buildSummary(transactions, { calibrationEnd: calEnd, holdoutEnd: calEnd + e.churn.horizonDays });
  const holdoutWeeks = (parseDay(e.holdoutEnd) - calEnd) / 7;
  const churnProbability = new Float64Array(s.size);
  const expectedPurchases = new Float64Array(s.size);
  const churned = new Uint8Array(s.size);
  for (let i = 0; i < s.size; i++) {
    churnProbability[i] = probabilityNoPurchase(e.bgnbd.params, e.churn.horizonDays / 7, s.x[i]!, s.tx[i]!, s.T[i]!);
    expectedPurchases[i] = conditionalExpectedPurchases(e.bgnbd.params, holdoutWeeks, s.x[i]!, s.tx[i]!, s.T[i]!);
    churned[i] = label.holdoutX[i] === 0 ? 1 : 0;
  }
  return { ids: s.ids, churnProbability, expectedPurchases, holdoutPurchases: s.holdoutX, churn: probabilityReport(churnProbability, churned) };
}

export function predictionsCsv(p: EvaluationPredictions): string {
  const lines = ["customer_id,churn_probability,expected_purchases,holdout_purchases"];
  for (let i = 0; i < p.ids.length; i++) {
    const id = /[",\n]/.test(p.ids[i]!) ? `"${p.ids[i]!.replace(/"/g, '""')}"` : p.ids[i]!;
    lines.push(`${id},${p.churnProbability[i]!.toFixed(6)},${p.expectedPurchases[i]!.toFixed(6)},${p.holdoutPurchases[i]}`);
  }
  return lines.join("\n") + "\n";
}
