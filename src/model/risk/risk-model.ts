/**
 * The learned risk model, pure: inputs as of past dates with the outcome "no purchase in
 * (t, t + H]" → a standardised, L2-regularised logistic regression trained on the earlier
 * dates, calibrated (isotonic) on a later date and validated on the latest one, out of time:
 * nothing from a later date reaches a fit that is judged on it.
 *
 * A prediction's contributions are wⱼ·(xⱼ − meanⱼ)/sdⱼ on the log-odds scale: how far each
 * input moves this customer from an average one. They become the score's reasons.
 */
import { applyCalibration, fitIsotonic, type IsotonicCalibration } from "./calibration.ts";
import { fitLogistic, fitStandardizer, linearPredictor, sigmoid, standardize, type Matrix, type Standardizer } from "./logistic.ts";
import { probabilityReport, type ProbabilityReport } from "./metrics.ts";

export interface RiskTrainingSet {
  /** Input names, one per column of X. */
  inputs: string[];
  X: Matrix;
  /** 1 = no purchase in the horizon after the row's date. */
  y: Uint8Array;
  /** The row's as-of date as any increasing number (e.g. epoch days). */
  period: ArrayLike<number>;
  /** The score the learned model must beat (the purchase model's churn probability), per row; optional. */
  baseline?: Float64Array;
}

export interface RiskModelParams {
  inputs: string[];
  standardizer: Standardizer;
  /** On standardised inputs. */
  intercept: number;
  coefficients: number[];
  calibration: IsotonicCalibration;
  l2: number;
}

export interface RiskFitReport {
  trainRows: number;
  calibrationRows: number;
  periods: { train: number[]; calibration: number; validation: number };
  /** The learned model on the validation date. */
  validation: ProbabilityReport;
  /** The baseline (purchase model) on the same rows, when given. */
  baseline: ProbabilityReport | null;
  converged: boolean;
  iterations: number;
}

export interface RiskFit {
  params: RiskModelParams;
  report: RiskFitReport;
}

export interface RiskFitOptions {
  l2?: number;
}

/** Row indices of each role: train on all dates but the last two, calibrate on the second last, validate on the last. */
export function outOfTimeSplit(period: ArrayLike<number>): { train: number[]; calibration: number[]; validation: number[]; periods: number[] } {
  const periods = [...new Set(Array.from(period))].sort((a, b) => a - b);
  if (periods.length < 3) throw new Error(`out-of-time validation needs at least 3 as-of dates, got ${periods.length}`);
  const cal = periods.at(-2)!;
  const val = periods.at(-1)!;
  const split = { train: [] as number[], calibration: [] as number[], validation: [] as number[], periods };
  for (let i = 0; i < period.length; i++) {
    const p = period[i]!;
    (p === val ? split.validation : p === cal ? split.calibration : split.train).push(i);
  }
  return split;
}

export function takeRows(X: Matrix, rows: readonly number[]): Matrix {
  const d = X.cols;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, k) => data.set(X.data.subarray(r * d, (r + 1) * d), k * d));
  return { rows: rows.length, cols: d, data };
}

const pick = <T extends ArrayLike<number>>(a: T, rows: readonly number[]) => Float64Array.from(rows, (r) => a[r]!);

/** Fits on the training dates, calibrates on the next, reports on the last. */
export function fitRiskModel(set: RiskTrainingSet, opts: RiskFitOptions = {}): RiskFit {
  const split = outOfTimeSplit(set.period);
  return fitOnSplit(set, split, opts);
}

export function fitOnSplit(
  set: RiskTrainingSet,
  split: { train: number[]; calibration: number[]; validation: number[]; periods?: number[] },
  opts: RiskFitOptions = {},
): RiskFit {
  const l2 = opts.l2 ?? 1e-3;
  const Xtr = takeRows(set.X, split.train);
  const standardizer = fitStandardizer(Xtr);
  const lr = fitLogistic(standardize(Xtr, standardizer), pick(set.y, split.train), { l2 });
  const raw = (rows: number[]) => linearPredictor(lr, standardize(takeRows(set.X, rows), standardizer)).map(sigmoid);
  const calibration = fitIsotonic(raw(split.calibration), pick(set.y, split.calibration));
  const params: RiskModelParams = { inputs: set.inputs, standardizer, intercept: lr.intercept, coefficients: lr.coefficients, calibration, l2 };
  const yVal = pick(set.y, split.validation);
  const pVal = raw(split.validation).map((p) => applyCalibration(calibration, p));
  const periodOf = (rows: number[]) => [...new Set(rows.map((r) => set.period[r]!))].sort((a, b) => a - b);
  return {
    params,
    report: {
      trainRows: split.train.length,
      calibrationRows: split.calibration.length,
      periods: { train: periodOf(split.train), calibration: periodOf(split.calibration)[0] ?? NaN, validation: periodOf(split.validation)[0] ?? NaN },
      validation: probabilityReport(pVal, yVal),
      baseline: set.baseline ? probabilityReport(pick(set.baseline, split.validation), yVal) : null,
      converged: lr.converged,
      iterations: lr.iterations,
    },
  };
}

/** Uncalibrated log-odds of one row of raw inputs. */
export function riskLogOdds(params: RiskModelParams, x: ArrayLike<number>): number {
  let z = params.intercept;
  for (let j = 0; j < params.coefficients.length; j++) {
    z += (params.coefficients[j]! * (x[j]! - params.standardizer.mean[j]!)) / params.standardizer.sd[j]!;
  }
  return z;
}

export function predictRisk(params: RiskModelParams, x: ArrayLike<number>): number {
  return applyCalibration(params.calibration, sigmoid(riskLogOdds(params, x)));
}

export function predictRiskMatrix(params: RiskModelParams, X: Matrix): Float64Array {
  return Float64Array.from({ length: X.rows }, (_, i) => predictRisk(params, X.data.subarray(i * X.cols, (i + 1) * X.cols)));
}

/** Each input's push on the log-odds against an average customer, largest magnitude first. */
export function riskContributions(params: RiskModelParams, x: ArrayLike<number>): { input: string; contribution: number }[] {
  return params.inputs
    .map((input, j) => ({ input, contribution: (params.coefficients[j]! * (x[j]! - params.standardizer.mean[j]!)) / params.standardizer.sd[j]! }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
}
