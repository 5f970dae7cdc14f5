/**
 * L2-regularised logistic regression, pure: the learned risk model's core.
 *
 * Inputs are standardised first (mean 0, standard deviation 1 per column), so one penalty
 * means the same for every input and a coefficient reads as "per standard deviation". The
 * objective is the mean (weighted) log-loss plus λ/2·‖w‖², intercept unpenalised, minimised by
 * the project's BFGS (`optimize.ts`) with the analytic gradient. The loss is convex, so BFGS
 * reaches the one minimum.
 */
import { bfgs } from "../optimize.ts";

/** Rows × columns, row-major. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`matrixFromRows: row ${i} has ${r.length} values, want ${cols}`);
    data.set(r, i * cols);
  });
  return { rows: rows.length, cols, data };
}

export interface Standardizer {
  mean: number[];
  /** 1 for a constant column, so it standardises to 0 and its coefficient stays 0. */
  sd: number[];
}

export function fitStandardizer(X: Matrix): Standardizer {
  const { rows: n, cols: d, data } = X;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = n > 0 ? mean[j]! / n : 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]! - mean[j]!;
      sd[j]! += v * v;
    }
  for (let j = 0; j < d; j++) {
    const s = n > 1 ? Math.sqrt(sd[j]! / (n - 1)) : 0;
    sd[j] = s > 1e-12 ? s : 1;
  }
  return { mean, sd };
}

export function standardize(X: Matrix, s: Standardizer): Matrix {
  const out = new Float64Array(X.data.length);
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = (X.data[i * d + j]! - s.mean[j]!) / s.sd[j]!;
  return { rows: X.rows, cols: d, data: out };
}

export interface LogisticFitOptions {
  /** λ in λ/2·‖w‖² added to the mean log-loss (default 1e-3). 0 is plain maximum likelihood. */
  l2?: number;
  /** Per-row weights (default 1). */
  weights?: ArrayLike<number>;
  maxIter?: number;
}

export interface LogisticModel {
  intercept: number;
  /** One per column, on the scale of the columns given to `fitLogistic`. */
  coefficients: number[];
  l2: number;
  iterations: number;
  converged: boolean;
  /** Penalised mean log-loss at the solution. */
  objective: number;
}

const log1pExp = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
export const logit = (p: number) => Math.log(p / (1 - p));

/** Fits P(y = 1 | x) = σ(b + w·x). Labels are 0/1 (or booleans). */
export function fitLogistic(X: Matrix, y: ArrayLike<number | boolean>, opts: LogisticFitOptions = {}): LogisticModel {
  const { rows: n, cols: d, data } = X;
  if (y.length !== n) throw new Error(`fitLogistic: ${y.length} labels for ${n} rows`);
  if (n === 0) throw new Error("fitLogistic: no rows");
  const l2 = opts.l2 ?? 1e-3;
  const w = opts.weights;
  let wSum = 0;
  for (let i = 0; i < n; i++) wSum += w ? w[i]! : 1;
  const labels = Float64Array.from({ length: n }, (_, i) => (y[i] ? 1 : 0));
  const z = new Float64Array(n);
  const objective = (beta: Float64Array, grad?: Float64Array): number => {
    let loss = 0;
    if (grad) grad.fill(0);
    for (let i = 0; i < n; i++) {
      let zi = beta[0]!;
      const off = i * d;
      for (let j = 0; j < d; j++) zi += beta[j + 1]! * data[off + j]!;
      z[i] = zi;
      const wi = w ? w[i]! : 1;
      // −[y log σ(z) + (1−y) log(1−σ(z))] = log(1+e^z) − y z
      loss += wi * (log1pExp(zi) - labels[i]! * zi);
      if (grad) {
        const r = wi * (sigmoid(zi) - labels[i]!);
        grad[0]! += r;
        for (let j = 0; j < d; j++) grad[j + 1]! += r * data[off + j]!;
      }
    }
    let pen = 0;
    for (let j = 1; j <= d; j++) pen += beta[j]! * beta[j]!;
    if (grad) {
      for (let j = 0; j <= d; j++) grad[j] = grad[j]! / wSum + (j > 0 ? l2 * beta[j]! : 0);
    }
    return loss / wSum + (l2 / 2) * pen;
  };
  // Start at the base rate: intercept logit(ȳ), slopes 0.
  let pos = 0;
  for (let i = 0; i < n; i++) pos += (w ? w[i]! : 1) * labels[i]!;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, pos / wSum));
  const x0 = new Float64Array(d + 1);
  x0[0] = logit(rate);
  const res = bfgs(objective, x0, { maxIter: opts.maxIter ?? 500, gradTol: 1e-8 });
  return {
    intercept: res.x[0]!,
    coefficients: Array.from(res.x.subarray(1)),
    l2,
    iterations: res.iterations,
    converged: res.converged,
    objective: res.f,
  };
}

/** The linear predictor b + w·x of each row. */
export function linearPredictor(model: Pick<LogisticModel, "intercept" | "coefficients">, X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    let z = model.intercept;
    for (let j = 0; j < d; j++) z += model.coefficients[j]! * X.data[i * d + j]!;
    out[i] = z;
  }
  return out;
}

export function predictProbabilities(model: Pick<LogisticModel, "intercept" | "coefficients">, X: Matrix): Float64Array {
  return linearPredictor(model, X).map(sigmoid);
}
