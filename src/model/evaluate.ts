/**
 * Calibration/holdout evaluation of the models on a transaction log, the protocol of FHL 2005:
 * fit on the calibration period, predict the holdout period, compare with what happened.
 */
import { conditionalExpectedPurchases, expectedPurchases, fitBgNbd, probabilityNoPurchase, type BgNbdParams } from "./bgnbd.ts";
import { DEFAULT_MODEL_SETTINGS } from "./defaults.ts";
import type { GammaGammaParams } from "./gamma-gamma.ts";
import { fitParetoNbd, type ParetoNbdParams } from "./pareto-nbd.ts";
import {
  choosePurchaseModel,
  holdoutDaysFor,
  modelConditionalExpectedPurchases,
  modelProbabilityNoPurchase,
  recalibratedChurn,
  type ModelChoice,
  type PurchaseModel,
} from "./purchase-model.ts";
import { probabilityReport, type ProbabilityReport } from "./risk/metrics.ts";
import { fitGammaGammaScaled } from "./spend.ts";
import { buildSummary } from "./summary.ts";
import { formatDay, parseDay, type TransactionRecord, type TransactionTable } from "./transactions.ts";

export { loadTransactions } from "./cdnow.ts";

export interface EvaluateOptions {
  transactions: TransactionTable | readonly TransactionRecord[];
  /** Last day of the calibration period (inclusive), e.g. "1997-09-30". */
  calibrationEnd: string | Date;
  /** Last day of the holdout period (inclusive), e.g. "1998-06-30". */
  holdoutEnd: string | Date;
  /**
   * Churn horizon in days for the churn probability and its label ("no purchase in the first
   * horizonDays of the holdout"). Default and maximum: the whole holdout.
   */
  horizonDays?: number;
  /** L2 penaliser for both fits (see fitBgNbd), Gamma-Gamma on spend scaled to mean 1 as workspace fits do. Default the workspace default (DEFAULT_MODEL_SETTINGS). */
  penalizer?: number;
}

export interface ModelEvaluation {
  calibrationEnd: string;
  holdoutEnd: string;
  holdoutWeeks: number;
  customers: number;
  repeatCustomers: number;
  /** The L2 penaliser every fit used (the workspace default unless given). */
  penalizer: number;
  bgnbd: {
    params: BgNbdParams;
    logLikelihood: number;
    iterations: number;
    converged: boolean;
    uniqueRows: number;
    fitMs: number;
  };
  gammaGamma: {
    params: GammaGammaParams;
    logLikelihood: number;
    customers: number;
    fitMs: number;
  } | null;
  /** In-sample check: Σ E[X(T_i)] (FHL eq. 9) against the repeat purchases actually made. */
  calibration: { predictedRepeatPurchases: number; actualRepeatPurchases: number };
  holdout: {
    /** Σ E[Y(holdout) | x, t_x, T] (FHL eq. 10). */
    predictedRepeatPurchases: number;
    actualRepeatPurchases: number;
    /** Mean over customers of |E[Y(holdout) | …] − holdout purchases|. */
    meanAbsoluteError: number;
  };
  churn: {
    horizonDays: number;
    /** Customers with no purchase within the horizon (the positive class). */
    churned: number;
    active: number;
    /** ROC AUC of P(no purchase within the horizon) for the "churned" label. */
    auc: number;
    /** Same AUC for the recency-only score T − t_x (weeks since the last purchase). */
    recencyBaselineAuc: number;
  };
  paretoNbd: { params: ParetoNbdParams; logLikelihood: number; iterations: number; converged: boolean; fitMs: number };
  /**
   * The workspace fit's choice (src/model/purchase-model.ts) made inside the calibration period:
   * split the churn horizon (at most half the history) before its end.
   */
  choice: ModelChoice;
  /** The churn probability over the holdout horizon, per model, against what happened. */
  churnModels: {
    bgnbd: ProbabilityReport;
    paretoNbd: ProbabilityReport;
    /** The chosen model, refitted on the whole calibration period, its churn probability recalibrated. */
    chosen: ProbabilityReport & { model: PurchaseModel["kind"]; recalibrated: boolean };
  };
  /** Per customer, from the chosen model (churn probability recalibrated). */
  predictions: { ids: string[]; churnProbability: number[]; expectedPurchases: number[]; holdoutPurchases: number[] };
  /** Time spent fitting the models (the choice's inner fits included). */
  fitMs: number;
  totalMs: number;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half — the Mann–Whitney U statistic with average ranks for ties.
 * NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new Error("rocAuc: scores and labels differ in length");
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) throw new Error(`rocAuc: score ${i} is NaN`);
    order[i] = i;
  }
  order.sort((i, j) => {
    const a = scores[i]!;
    const b = scores[j]!;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function evaluateModel(opts: EvaluateOptions): ModelEvaluation {
  const t0 = performance.now();
  const calEnd = parseDay(opts.calibrationEnd);
  const holdEnd = parseDay(opts.holdoutEnd);
  if (holdEnd <= calEnd) throw new Error("evaluateModel: holdoutEnd must be after calibrationEnd");
  const holdDays = holdEnd - calEnd;
  const horizonDays = opts.horizonDays ?? holdDays;
  if (!(horizonDays > 0 && horizonDays <= holdDays)) {
    throw new Error(`evaluateModel: horizonDays must be in (0, ${holdDays}] (the holdout length)`);
  }
  const s = buildSummary(opts.transactions, { calibrationEnd: calEnd, holdoutEnd: holdEnd });
  if (s.size === 0) throw new Error("evaluateModel: no customer made a first purchase by the calibration end");
  // The churn label may use a shorter window than the holdout.
  const labelCounts =
    horizonDays === holdDays ? s.holdoutX : buildSummary(opts.transactions, { calibrationEnd: calEnd, holdoutEnd: calEnd + horizonDays }).holdoutX;

  const penalizer = opts.penalizer ?? DEFAULT_MODEL_SETTINGS.penalizer;
  const bg = fitBgNbd({ x: s.x, tx: s.tx, T: s.T }, { penalizer });
  const pn = fitParetoNbd({ x: s.x, tx: s.tx, T: s.T }, { penalizer });
  const choice = chooseInside(opts.transactions, s, calEnd, horizonDays, penalizer);
  let gg: ModelEvaluation["gammaGamma"] = null;
  let ggMs = 0;
  if (s.x.some((v, i) => v > 0 && s.zbar[i]! > 0)) {
    const fit = fitGammaGammaScaled({ x: s.x, zbar: s.zbar }, { penalizer });
    ggMs = fit.fitMs;
    gg = { params: fit.params, logLikelihood: fit.logLikelihood, customers: fit.customers, fitMs: fit.fitMs };
  }

  const p = bg.params;
  const chosen: PurchaseModel = choice.chosen === "bgnbd" ? { kind: "bgnbd", params: p } : { kind: "pareto_nbd", params: pn.params };
  const paretoModel: PurchaseModel = { kind: "pareto_nbd", params: pn.params };
  const recalibration = choice.churnRecalibration;
  const paretoChurn = new Float64Array(s.size);
  const chosenChurn = new Float64Array(s.size);
  const chosenExpected = new Float64Array(s.size);
  const holdWeeks = holdDays / 7;
  const horizonWeeks = horizonDays / 7;
  let predCal = 0;
  let actualCal = 0;
  let predHold = 0;
  let actualHold = 0;
  let absErr = 0;
  let repeatCustomers = 0;
  const churnScore = new Float64Array(s.size);
  const recency = new Float64Array(s.size);
  const churned = new Uint8Array(s.size);
  let nChurned = 0;
  for (let i = 0; i < s.size; i++) {
    const x = s.x[i]!;
    const tx = s.tx[i]!;
    const T = s.T[i]!;
    if (x > 0) repeatCustomers++;
    predCal += expectedPurchases(p, T);
    actualCal += x;
    const e = conditionalExpectedPurchases(p, holdWeeks, x, tx, T);
    predHold += e;
    actualHold += s.holdoutX[i]!;
    absErr += Math.abs(e - s.holdoutX[i]!);
    churnScore[i] = probabilityNoPurchase(p, horizonWeeks, x, tx, T);
    paretoChurn[i] = modelProbabilityNoPurchase(paretoModel, horizonWeeks, x, tx, T);
    chosenChurn[i] = recalibratedChurn(recalibration, modelProbabilityNoPurchase(chosen, horizonWeeks, x, tx, T));
    chosenExpected[i] = modelConditionalExpectedPurchases(chosen, holdWeeks, x, tx, T);
    recency[i] = T - tx;
    churned[i] = labelCounts[i] === 0 ? 1 : 0;
    nChurned += churned[i]!;
  }
  return {
    calibrationEnd: formatDay(calEnd),
    holdoutEnd: formatDay(holdEnd),
    holdoutWeeks: holdWeeks,
    customers: s.size,
    repeatCustomers,
    penalizer,
    bgnbd: {
      params: p,
      logLikelihood: bg.logLikelihood,
      iterations: bg.iterations,
      converged: bg.converged,
      uniqueRows: bg.uniqueRows,
      fitMs: bg.fitMs,
    },
    gammaGamma: gg,
    paretoNbd: { params: pn.params, logLikelihood: pn.logLikelihood, iterations: pn.iterations, converged: pn.converged, fitMs: pn.fitMs },
    choice,
    churnModels: {
      bgnbd: probabilityReport(churnScore, churned),
      paretoNbd: probabilityReport(paretoChurn, churned),
      chosen: { ...probabilityReport(chosenChurn, churned), model: choice.chosen, recalibrated: recalibration !== null },
    },
    predictions: { ids: s.ids, churnProbability: Array.from(chosenChurn), expectedPurchases: Array.from(chosenExpected), holdoutPurchases: Array.from(s.holdoutX) },
    calibration: { predictedRepeatPurchases: predCal, actualRepeatPurchases: actualCal },
    holdout: { predictedRepeatPurchases: predHold, actualRepeatPurchases: actualHold, meanAbsoluteError: absErr / s.size },
    churn: {
      horizonDays,
      churned: nChurned,
      active: s.size - nChurned,
      auc: rocAuc(churnScore, churned),
      recencyBaselineAuc: rocAuc(recency, churned),
    },
    fitMs: bg.fitMs + pn.fitMs + ggMs + choice.fitMs,
    totalMs: performance.now() - t0,
  };
}

/**
 * The workspace fit's model choice inside the calibration period: the split is the churn
 * horizon (at most half the history) before the calibration end, with the workspace defaults'
 * minimum customers.
 */
function chooseInside(
  transactions: EvaluateOptions["transactions"],
  s: ReturnType<typeof buildSummary>,
  calEnd: number,
  horizonDays: number,
  penalizer: number,
): ModelChoice {
  let maxT = 0;
  for (let i = 0; i < s.size; i++) maxT = Math.max(maxT, s.T[i]!);
  const holdoutDays = holdoutDaysFor(horizonDays, Math.round(maxT * 7));
  const split = calEnd - holdoutDays;
  const atSplit = buildSummary(transactions, { calibrationEnd: split, holdoutEnd: calEnd });
  const index = new Map(s.ids.map((id, i) => [id, i]));
  const rows = atSplit.ids.map((id) => index.get(id)!);
  return choosePurchaseModel({
    atSplit: { x: atSplit.x, tx: atSplit.tx, T: atSplit.T },
    atEnd: { x: rows.map((i) => s.x[i]!), tx: rows.map((i) => s.tx[i]!), T: rows.map((i) => s.T[i]!) },
    splitDay: formatDay(split),
    holdoutDays,
    penalizer,
    minCustomers: DEFAULT_MODEL_SETTINGS.minCustomers,
    minRepeatCustomers: DEFAULT_MODEL_SETTINGS.minRepeatCustomers,
  });
}
