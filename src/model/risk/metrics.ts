/**
 * How good a probability is: ranking (ROC AUC), accuracy (Brier score) and calibration
 * (expected calibration error over equal-count bins, and the reliability table behind it).
 */
import { rocAuc } from "../evaluate.ts";

export { rocAuc };

/** Mean of (p − y)². */
export function brierScore(p: ArrayLike<number>, y: ArrayLike<number | boolean>): number {
  if (p.length !== y.length) throw new Error("brierScore: lengths differ");
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - (y[i] ? 1 : 0)) ** 2;
  return p.length ? s / p.length : NaN;
}

export interface ReliabilityBin {
  /** Customers in the bin. */
  count: number;
  minPredicted: number;
  maxPredicted: number;
  meanPredicted: number;
  /** Share of the bin whose outcome was positive. */
  observedRate: number;
}

/**
 * Sorted by predicted probability and cut into `bins` bins of equal count (bin k holds ranks
 * ⌊k·n/bins⌋ … ⌊(k+1)·n/bins⌋ − 1; fewer bins when there are fewer rows).
 */
export function reliabilityTable(p: ArrayLike<number>, y: ArrayLike<number | boolean>, bins = 10): ReliabilityBin[] {
  const n = p.length;
  if (y.length !== n) throw new Error("reliabilityTable: lengths differ");
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => p[i]! - p[j]!);
  const k = Math.min(bins, n);
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < k; b++) {
    const from = Math.floor((b * n) / k);
    const to = Math.floor(((b + 1) * n) / k);
    let sp = 0;
    let sy = 0;
    for (let r = from; r < to; r++) {
      sp += p[order[r]!]!;
      sy += y[order[r]!] ? 1 : 0;
    }
    const count = to - from;
    out.push({
      count,
      minPredicted: p[order[from]!]!,
      maxPredicted: p[order[to - 1]!]!,
      meanPredicted: sp / count,
      observedRate: sy / count,
    });
  }
  return out;
}

/** Σ_bins (n_b / n)·|mean predicted − observed rate| over 10 equal-count bins (by default). */
export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<number | boolean>, bins = 10): number {
  const table = reliabilityTable(p, y, bins);
  const n = p.length;
  return n ? table.reduce((s, b) => s + (b.count / n) * Math.abs(b.meanPredicted - b.observedRate), 0) : NaN;
}

export interface ProbabilityReport {
  rows: number;
  positives: number;
  auc: number;
  brier: number;
  ece: number;
  reliability: ReliabilityBin[];
}

export function probabilityReport(p: ArrayLike<number>, y: ArrayLike<number | boolean>): ProbabilityReport {
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i] ? 1 : 0;
  return {
    rows: p.length,
    positives,
    auc: rocAuc(p, y),
    brier: brierScore(p, y),
    ece: expectedCalibrationError(p, y),
    reliability: reliabilityTable(p, y),
  };
}
