import { describe, expect, it } from "vitest";
import {
  applyCalibration,
  brierScore,
  expectedCalibrationError,
  fitIsotonic,
  fitLogistic,
  fitPlatt,
  fitRiskModel,
  matrixFromRows,
  outOfTimeSplit,
  predictRisk,
  reliabilityTable,
  riskContributions,
  riskLogOdds,
  rocAuc,
  sigmoid,
} from "../../../src/model/risk/index.ts";
import { Rng } from "../../../src/model/synthetic.ts";

// Space Shuttle O-ring data (23 flights before Challenger): launch temperature (°F), any O-ring
// incident. The maximum-likelihood logistic fit is the textbook one: 15.0429 − 0.2322·t
// (Dalal, Fowlkes & Hoadley 1989; re-solved independently by Newton–Raphson in numpy).
const temps = [66, 70, 69, 68, 67, 72, 73, 70, 57, 63, 70, 78, 67, 53, 67, 75, 70, 81, 76, 79, 75, 76, 58];
const incidents = [0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1];

describe("logistic regression", () => {
  it("reproduces the published O-ring maximum-likelihood fit", () => {
    const m = fitLogistic(matrixFromRows(temps.map((t) => [t])), incidents, { l2: 0 });
    expect(m.converged).toBe(true);
    expect(m.intercept).toBeCloseTo(15.0429, 3);
    expect(m.coefficients[0]).toBeCloseTo(-0.23216, 4);
  });

  it("with one binary input, matches the closed form: intercept logit(rate at 0), slope the log odds ratio", () => {
    // x = 0: 3 of 10 positive; x = 1: 6 of 8 positive.
    const rows = [...Array(10).fill([0]), ...Array(8).fill([1])];
    const y = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0];
    const m = fitLogistic(matrixFromRows(rows), y, { l2: 0 });
    expect(m.intercept).toBeCloseTo(Math.log(3 / 7), 6);
    expect(m.coefficients[0]).toBeCloseTo(Math.log(6 / 2) - Math.log(3 / 7), 6);
  });

  it("shrinks coefficients toward zero as the penalty grows", () => {
    const X = matrixFromRows(temps.map((t) => [(t - 70) / 7]));
    const slopes = [0, 0.1, 1].map((l2) => Math.abs(fitLogistic(X, incidents, { l2 }).coefficients[0]!));
    expect(slopes[0]).toBeGreaterThan(slopes[1]!);
    expect(slopes[1]).toBeGreaterThan(slopes[2]!);
  });
});

describe("calibration", () => {
  it("isotonic regression pools adjacent violators (hand-checked)", () => {
    // Blocks: {0.1} → 0; {0.2, 0.3, 0.4} → 1/3; {0.5, 0.6} → 1.
    const iso = fitIsotonic([0.3, 0.1, 0.5, 0.2, 0.6, 0.4], [0, 0, 1, 1, 1, 0]);
    expect(iso.thresholds).toEqual([0.1, 0.2, 0.5]);
    expect(iso.values[0]).toBe(0);
    expect(iso.values[1]).toBeCloseTo(1 / 3, 12);
    expect(iso.values[2]).toBe(1);
    expect(applyCalibration(iso, 0.05)).toBe(0);
    expect(applyCalibration(iso, 0.35)).toBeCloseTo(1 / 3, 12);
    expect(applyCalibration(iso, 0.55)).toBe(1);
    expect(applyCalibration(iso, 0.99)).toBe(1);
  });

  it("Platt scaling recovers a known distortion of the log-odds", () => {
    const rng = new Rng(7);
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const z = rng.normal() * 1.5;
      scores.push(sigmoid(z));
      // The truth is σ(0.5·z − 0.3).
      labels.push(rng.uniform() < sigmoid(0.5 * z - 0.3) ? 1 : 0);
    }
    const platt = fitPlatt(scores, labels);
    expect(platt.a).toBeCloseTo(0.5, 1);
    expect(platt.b).toBeCloseTo(-0.3, 1);
  });
});

describe("metrics", () => {
  it("Brier score, ECE and the reliability table (hand-checked, 2 bins)", () => {
    const p = [0.9, 0.1, 0.7, 0.2];
    const y = [1, 0, 1, 1];
    expect(brierScore(p, y)).toBeCloseTo((0.01 + 0.01 + 0.09 + 0.64) / 4, 12);
    const table = reliabilityTable(p, y, 2);
    expect(table).toEqual([
      { count: 2, minPredicted: 0.1, maxPredicted: 0.2, meanPredicted: expect.closeTo(0.15, 12), observedRate: 0.5 },
      { count: 2, minPredicted: 0.7, maxPredicted: 0.9, meanPredicted: expect.closeTo(0.8, 12), observedRate: 1 },
    ]);
    expect(expectedCalibrationError(p, y, 2)).toBeCloseTo(0.5 * 0.35 + 0.5 * 0.2, 12);
  });

  it("ECE uses 10 equal-count bins by default", () => {
    const p = Array.from({ length: 25 }, (_, i) => i / 25);
    expect(reliabilityTable(p, p.map(() => 0)).map((b) => b.count)).toEqual([2, 3, 2, 3, 2, 3, 2, 3, 2, 3]);
  });

  it("AUC counts ties as one half", () => {
    expect(rocAuc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.875, 12);
  });
});

describe("the risk model", () => {
  it("splits out of time: train on the earlier dates, calibrate on the second last, validate on the last", () => {
    const s = outOfTimeSplit([3, 1, 2, 4, 4, 1]);
    expect(s).toMatchObject({ train: [1, 2, 5], calibration: [0], validation: [3, 4], periods: [1, 2, 3, 4] });
    expect(() => outOfTimeSplit([1, 2, 2])).toThrow(/at least 3/);
  });

  it("learns a signal, beats a noise baseline out of time, and explains a prediction by its contributions", () => {
    const rng = new Rng(3);
    const rows: number[][] = [];
    const y: number[] = [];
    const period: number[] = [];
    const baseline: number[] = [];
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < 2_000; i++) {
        const silence = rng.uniform() * 100;
        const rivalSpend = rng.uniform() < 0.3 ? rng.uniform() * 5 : 0;
        const noise = rng.normal();
        rows.push([silence, rivalSpend, noise]);
        y.push(rng.uniform() < sigmoid(-2 + 0.03 * silence + 0.6 * rivalSpend) ? 1 : 0);
        period.push(t);
        baseline.push(rng.uniform());
      }
    }
    const fit = fitRiskModel(
      { inputs: ["silence", "rivalSpend", "noise"], X: matrixFromRows(rows), y: Uint8Array.from(y), period, baseline: Float64Array.from(baseline) },
      { l2: 1e-3 },
    );
    expect(fit.report.trainRows).toBe(4_000);
    expect(fit.report.validation.auc).toBeGreaterThan(0.75);
    expect(fit.report.baseline!.auc).toBeLessThan(0.55);
    expect(fit.report.validation.ece).toBeLessThan(0.05);
    const contributions = riskContributions(fit.params, [90, 4, 0]);
    expect(contributions.map((c) => c.input).slice(0, 2).sort()).toEqual(["rivalSpend", "silence"]);
    expect(contributions.every((c) => c.input !== "noise" || Math.abs(c.contribution) < 0.1)).toBe(true);
    // Contributions add up to the log-odds less the intercept.
    const sum = contributions.reduce((s, c) => s + c.contribution, 0);
    expect(sum + fit.params.intercept).toBeCloseTo(riskLogOdds(fit.params, [90, 4, 0]), 10);
    expect(predictRisk(fit.params, [90, 4, 0])).toBeGreaterThan(predictRisk(fit.params, [5, 0, 0]));
  });
});
