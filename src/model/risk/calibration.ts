/**
 * Calibration maps from a model's raw probability to an observed rate, fitted on a split the
 * model did not see.
 *
 * - Isotonic regression (pool-adjacent-violators): the non-decreasing step function closest
 *   in weighted squared error to the labels. Stored as block lower bounds and values, so it
 *   applies in SQL with `width_bucket` as well as here.
 * - Platt scaling: σ(a·logit(p) + b), a logistic regression on the raw log-odds.
 */
import { fitLogistic, logit, sigmoid } from "./logistic.ts";

export interface IsotonicCalibration {
  kind: "isotonic";
  /** Lower bound of each block's raw scores, increasing; a score below the first maps to the first value. */
  thresholds: number[];
  /** The calibrated value of each block, non-decreasing. */
  values: number[];
}

export interface PlattCalibration {
  kind: "platt";
  a: number;
  b: number;
}

export type Calibration = IsotonicCalibration | PlattCalibration;

/** Pool-adjacent-violators on scores sorted ascending (ties pooled first). */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>, weights?: ArrayLike<number>): IsotonicCalibration {
  const n = scores.length;
  if (labels.length !== n) throw new Error("fitIsotonic: scores and labels differ in length");
  if (n === 0) throw new Error("fitIsotonic: no rows");
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  // Blocks: lower bound, weighted sum of labels, weight.
  const lo: number[] = [];
  const sum: number[] = [];
  const wt: number[] = [];
  for (const i of order) {
    const s = scores[i]!;
    const w = weights ? weights[i]! : 1;
    const yv = labels[i] ? 1 : 0;
    if (lo.length > 0 && lo[lo.length - 1] === s) {
      sum[sum.length - 1]! += w * yv;
      wt[wt.length - 1]! += w;
    } else {
      lo.push(s);
      sum.push(w * yv);
      wt.push(w);
    }
    // Merge backwards while the previous block's mean exceeds the last one's.
    while (lo.length > 1 && sum[sum.length - 2]! / wt[wt.length - 2]! >= sum[sum.length - 1]! / wt[wt.length - 1]!) {
      const s2 = sum.pop()!;
      const w2 = wt.pop()!;
      lo.pop();
      sum[sum.length - 1]! += s2;
      wt[wt.length - 1]! += w2;
    }
  }
  return { kind: "isotonic", thresholds: lo, values: sum.map((s, k) => s / wt[k]!) };
}

export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): PlattCalibration {
  const n = scores.length;
  const clip = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));
  const data = Float64Array.from({ length: n }, (_, i) => logit(clip(scores[i]!)));
  const m = fitLogistic({ rows: n, cols: 1, data }, labels, { l2: 0 });
  return { kind: "platt", a: m.coefficients[0]!, b: m.intercept };
}

export function applyCalibration(c: Calibration, p: number): number {
  if (c.kind === "platt") return sigmoid(c.a * logit(Math.min(1 - 1e-9, Math.max(1e-9, p))) + c.b);
  // The last block whose lower bound is ≤ p (binary search).
  const t = c.thresholds;
  let lo = 0;
  let hi = t.length - 1;
  if (p < t[0]!) return c.values[0]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[mid]! <= p) lo = mid;
    else hi = mid - 1;
  }
  return c.values[lo]!;
}
