/**
 * The CDNOW churn goal: the paper's split (calibration to 1997-09-30, 39-week holdout to
 * 1998-06-30), trained only on the calibration period. The learned model (src/model/risk/
 * holdout.ts) against BG/NBD alone and recency alone: AUC, Brier, ECE (10 equal-count bins)
 * and the reliability table. Pure CPU, no database.
 *
 *   npm run bench -- cdnow
 */
import { cdnowFile, loadTransactions } from "../src/model/cdnow.ts";
import { evaluateLearnedChurn } from "../src/model/risk/index.ts";
import { DEFAULT_MODEL_SETTINGS } from "../src/model/defaults.ts";

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

export async function runCdnowBench(): Promise<Record<string, unknown>> {
  const transactions = await loadTransactions(cdnowFile("CDNOW_master.txt"), "cdnow-master");
  const e = evaluateLearnedChurn({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" });
  const short = (p: typeof e.holdout.learned) => ({ auc: r4(p.auc), brier: r4(p.brier), ece: r4(p.ece) });
  return {
    name: "cdnow",
    split: { calibrationEnd: e.calibrationEnd, holdoutEnd: e.holdoutEnd },
    customers: e.customers,
    churned: e.churned,
    innerDates: e.innerDates,
    trainingRows: e.trainingRows,
    // The settings the figures were measured with: the logistic model's L2 and the BG/NBD penaliser of the workspace fits.
    settings: { logisticL2: e.l2, bgnbdPenalizer: DEFAULT_MODEL_SETTINGS.penalizer },
    goal: { aucAtLeast: 0.77, eceAtMost: 0.02 },
    met: e.holdout.learned.auc >= 0.77 && e.holdout.learned.ece <= 0.02,
    holdout: { learned: short(e.holdout.learned), bgnbd: short(e.holdout.bgnbd), recencyAuc: r4(e.holdout.recencyAuc) },
    innerValidation: short(e.innerValidation),
    reliability: e.holdout.learned.reliability.map((b) => ({ count: b.count, meanPredicted: r4(b.meanPredicted), observedRate: r4(b.observedRate) })),
    coefficients: Object.fromEntries(Object.entries(e.coefficients).map(([k, v]) => [k, r4(v)])),
    bgnbd: Object.fromEntries(Object.entries(e.bgnbd).map(([k, v]) => [k, r4(v)])),
    seconds: Math.round(e.fitMs / 100) / 10,
  };
}
