/**
 * The purchase model a workspace scores with: BG/NBD or Pareto/NBD, chosen by holdout
 * log-likelihood, with its churn probability recalibrated out of time.
 *
 * The choice. Both models are fitted on the purchases up to a split date and judged on what
 * happened after it. A model's likelihood L(x, t_x, T) is the density of a customer's purchase
 * times over (0, T], so for a customer seen at the split as (x, t_x, T) and at the end as
 * (x', t_x', T'), ln L(x', t_x', T') − ln L(x, t_x, T) is the log density of their purchases
 * after the split given those before it: the model's log predictive score of the holdout.
 * Summed over the customers who had bought by the split it is the holdout log-likelihood; the
 * higher wins. Both models share time units (weeks), data and penaliser, so the sums compare.
 *
 * The holdout is the churn horizon (what the model must predict), at most half the history.
 *
 * The recalibration. The same split gives, for every customer, the chosen model's
 * P(no purchase in the holdout) as of the split and whether they bought: an earlier as-of date
 * whose outcome is known. Platt scaling on the log-odds (σ(a·logit p + b)) fitted on those
 * pairs is applied to the churn probability of the model refitted on all data.
 */
import { bgnbdLogLikelihood, conditionalExpectedPurchases, fitBgNbd, pAlive, probabilityNoPurchase, type BgNbdParams, type RfmColumns } from "./bgnbd.ts";
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdPAlive,
  paretoNbdProbabilityNoPurchase,
  type ParetoNbdParams,
} from "./pareto-nbd.ts";
import { applyCalibration, fitPlatt } from "./risk/calibration.ts";
import { expectedCalibrationError } from "./risk/metrics.ts";

export const PURCHASE_MODELS = ["bgnbd", "pareto_nbd"] as const;
export type PurchaseModelKind = (typeof PURCHASE_MODELS)[number];
export const PURCHASE_MODEL_NAMES: Record<PurchaseModelKind, string> = { bgnbd: "BG/NBD", pareto_nbd: "Pareto/NBD" };

export type PurchaseModel = { kind: "bgnbd"; params: BgNbdParams } | { kind: "pareto_nbd"; params: ParetoNbdParams };

export interface PurchaseModelFit {
  model: PurchaseModel;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  fitMs: number;
}

export function fitPurchaseModel(
  kind: PurchaseModelKind,
  data: RfmColumns,
  opts: { penalizer: number; initial?: PurchaseModel["params"] },
): PurchaseModelFit {
  if (kind === "bgnbd") {
    const f = fitBgNbd(data, { penalizer: opts.penalizer, ...(opts.initial ? { initial: opts.initial as BgNbdParams } : {}) });
    return { model: { kind, params: f.params }, logLikelihood: f.logLikelihood, iterations: f.iterations, converged: f.converged, fitMs: f.fitMs };
  }
  const f = fitParetoNbd(data, { penalizer: opts.penalizer, ...(opts.initial ? { initial: opts.initial as ParetoNbdParams } : {}) });
  return { model: { kind, params: f.params }, logLikelihood: f.logLikelihood, iterations: f.iterations, converged: f.converged, fitMs: f.fitMs };
}

export function purchaseLogLikelihood(m: PurchaseModel, data: RfmColumns): number {
  return m.kind === "bgnbd" ? bgnbdLogLikelihood(m.params, data) : paretoNbdLogLikelihood(m.params, data);
}

/** P(no purchase in (T, T+t] | x, t_x, T): the churn probability over a horizon of t weeks. */
export function modelProbabilityNoPurchase(m: PurchaseModel, t: number, x: number, tx: number, T: number): number {
  return m.kind === "bgnbd" ? probabilityNoPurchase(m.params, t, x, tx, T) : paretoNbdProbabilityNoPurchase(m.params, t, x, tx, T);
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T+t]. */
export function modelConditionalExpectedPurchases(m: PurchaseModel, t: number, x: number, tx: number, T: number): number {
  return m.kind === "bgnbd" ? conditionalExpectedPurchases(m.params, t, x, tx, T) : paretoNbdConditionalExpectedPurchases(m.params, t, x, tx, T);
}

export function modelPAlive(m: PurchaseModel, x: number, tx: number, T: number): number {
  return m.kind === "bgnbd" ? pAlive(m.params, x, tx, T) : paretoNbdPAlive(m.params, x, tx, T);
}

/** Σ over customers of ln L(at the end) − ln L(at the split): the holdout's log predictive score. */
export function holdoutLogLikelihood(m: PurchaseModel, atSplit: RfmColumns, atEnd: RfmColumns): number {
  return purchaseLogLikelihood(m, atEnd) - purchaseLogLikelihood(m, atSplit);
}

/** The holdout length in days: the churn horizon, at most half the history (whole days). */
export function holdoutDaysFor(horizonDays: number, historyDays: number): number {
  return Math.max(0, Math.min(horizonDays, Math.floor(historyDays / 2)));
}

/** Platt scaling of the churn probability, with its expected calibration error before and after on the split it was fitted on. */
export interface ChurnRecalibration {
  kind: "platt";
  a: number;
  b: number;
  /** The holdout it was learned on (days) and its customers. */
  holdoutDays: number;
  customers: number;
  churned: number;
  eceBefore: number;
  eceAfter: number;
}

export interface ModelCandidate {
  model: PurchaseModelKind;
  params: PurchaseModel["params"];
  /** Fitted on the purchases up to the split. */
  calibrationLogLikelihood: number;
  holdoutLogLikelihood: number;
  converged: boolean;
}

export interface ModelChoice {
  chosen: PurchaseModelKind;
  /** Why, in words. */
  reason: string;
  /** The split: purchases on or before it trained the candidates; the holdout runs to the end. */
  splitDay: string | null;
  holdoutDays: number;
  /** Customers who had bought by the split (the holdout's customers). */
  customers: number;
  candidates: ModelCandidate[];
  churnRecalibration: ChurnRecalibration | null;
  /** Candidates' fit time. */
  fitMs: number;
}

export interface ModelChoiceInput {
  /** The customers who had bought by the split, summarised as of the split … */
  atSplit: RfmColumns;
  /** … and the same customers, in the same order, as of the end. */
  atEnd: RfmColumns;
  splitDay: string;
  holdoutDays: number;
  penalizer: number;
  minCustomers: number;
  minRepeatCustomers: number;
}

/** Fewer customers of either outcome than this and the recalibration is left out. */
export const MIN_RECALIBRATION_OUTCOMES = 10;

/** BG/NBD, kept when the data before the split cannot judge: the model the service started with. */
export function defaultModelChoice(reason: string, holdoutDays = 0, customers = 0, splitDay: string | null = null): ModelChoice {
  return { chosen: "bgnbd", reason, splitDay, holdoutDays, customers, candidates: [], churnRecalibration: null, fitMs: 0 };
}

export function choosePurchaseModel(input: ModelChoiceInput): ModelChoice {
  const { atSplit, atEnd, holdoutDays, splitDay } = input;
  const n = atSplit.x.length;
  if (atEnd.x.length !== n) throw new Error("choosePurchaseModel: the split and end summaries differ in length");
  let repeat = 0;
  for (let i = 0; i < n; i++) if (atSplit.x[i]! > 0) repeat++;
  if (holdoutDays <= 0 || n < input.minCustomers || repeat < input.minRepeatCustomers) {
    return defaultModelChoice(
      `BG/NBD kept without a comparison: before the split (${splitDay}, ${holdoutDays} days before the end) ${n} customers had bought ` +
        `(needs ${input.minCustomers}), ${repeat} more than once (needs ${input.minRepeatCustomers}).`,
      holdoutDays,
      n,
      splitDay,
    );
  }
  const candidates = PURCHASE_MODELS.map((kind) => {
    const fit = fitPurchaseModel(kind, atSplit, { penalizer: input.penalizer });
    return { fit, candidate: { model: kind, params: fit.model.params, calibrationLogLikelihood: fit.logLikelihood, holdoutLogLikelihood: holdoutLogLikelihood(fit.model, atSplit, atEnd), converged: fit.converged } };
  });
  const [bg, pn] = candidates as [(typeof candidates)[0], (typeof candidates)[0]];
  const best = pn.candidate.holdoutLogLikelihood > bg.candidate.holdoutLogLikelihood ? pn : bg;
  const other = best === pn ? bg : pn;
  const perCustomer = (best.candidate.holdoutLogLikelihood - other.candidate.holdoutLogLikelihood) / n;
  const reason =
    `${PURCHASE_MODEL_NAMES[best.candidate.model]}: fitted on purchases to ${splitDay}, its holdout log-likelihood over the next ${holdoutDays} days ` +
    `(${n} customers) is ${best.candidate.holdoutLogLikelihood.toFixed(1)} against ${PURCHASE_MODEL_NAMES[other.candidate.model]}'s ` +
    `${other.candidate.holdoutLogLikelihood.toFixed(1)} (${perCustomer.toFixed(4)} per customer higher).`;
  return {
    chosen: best.candidate.model,
    reason,
    splitDay,
    holdoutDays,
    customers: n,
    candidates: candidates.map((c) => c.candidate),
    churnRecalibration: recalibrate(best.fit.model, atSplit, atEnd, holdoutDays),
    fitMs: bg.fit.fitMs + pn.fit.fitMs,
  };
}

/** Platt scaling of P(no purchase in the holdout) as of the split against what happened; null when one outcome is too rare or the map would reverse the order. */
function recalibrate(m: PurchaseModel, atSplit: RfmColumns, atEnd: RfmColumns, holdoutDays: number): ChurnRecalibration | null {
  const n = atSplit.x.length;
  const p = new Float64Array(n);
  const churned = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    p[i] = modelProbabilityNoPurchase(m, holdoutDays / 7, atSplit.x[i]!, atSplit.tx[i]!, atSplit.T[i]!);
    // A purchase after the split is a repeat purchase on a later day.
    churned[i] = atEnd.x[i] === atSplit.x[i] ? 1 : 0;
    positives += churned[i]!;
  }
  if (positives < MIN_RECALIBRATION_OUTCOMES || n - positives < MIN_RECALIBRATION_OUTCOMES) return null;
  const platt = fitPlatt(p, churned);
  if (!(platt.a > 0) || !Number.isFinite(platt.b)) return null;
  const after = Float64Array.from(p, (v) => applyCalibration(platt, v));
  return {
    kind: "platt",
    a: platt.a,
    b: platt.b,
    holdoutDays,
    customers: n,
    churned: positives,
    eceBefore: expectedCalibrationError(p, churned),
    eceAfter: expectedCalibrationError(after, churned),
  };
}

/** The recalibrated churn probability (the identity without a recalibration). */
export function recalibratedChurn(c: Pick<ChurnRecalibration, "a" | "b"> | null, p: number): number {
  return c ? applyCalibration({ kind: "platt", a: c.a, b: c.b }, p) : p;
}
