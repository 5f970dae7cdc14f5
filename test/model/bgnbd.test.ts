import { describe, it, expect } from "vitest";
import {
  bgnbdLogLikelihood,
  bgnbdLogLikelihoodGradient,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  pAlive,
  probabilityNoPurchase,
  type BgNbdParams,
} from "../../src/model/bgnbd.ts";
import { numericGradient } from "../../src/model/optimize.ts";
import { simulateCustomers } from "../../src/model/synthetic.ts";
import { publishedSummary } from "./data.ts";

// Published BG/NBD estimates on the CDNOW sample (FHL 2005, Section 4).
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("BG/NBD fit on the CDNOW sample summary", () => {
  const s = publishedSummary();
  const fit = fitBgNbd({ x: s.x, tx: s.tx, T: s.T });

  it("converges from the neutral start", () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
  });

  it.each(["r", "alpha", "a", "b"] as const)("reproduces the published %s within 0.001", (name) => {
    expect(Math.abs(fit.params[name] - PUBLISHED[name])).toBeLessThanOrEqual(0.001);
  });

  it("reproduces the published log-likelihood −9582.4", () => {
    expect(fit.logLikelihood).toBeGreaterThan(-9582.5);
    expect(fit.logLikelihood).toBeLessThan(-9582.3);
  });

  it("predicts 1.226 purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86", () => {
    expect(conditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it("finds the same optimum whether or not identical rows are aggregated", () => {
    const raw = fitBgNbd({ x: s.x, tx: s.tx, T: s.T }, { aggregate: false });
    expect(raw.uniqueRows).toBe(2357);
    expect(fit.uniqueRows).toBeLessThan(2357);
    expect(raw.logLikelihood).toBeCloseTo(fit.logLikelihood, 6);
    expect(raw.params.r).toBeCloseTo(fit.params.r, 5);
  });

  it("weights count as repeated rows in the likelihood", () => {
    const once = bgnbdLogLikelihood(PUBLISHED, { x: [2, 0], tx: [30, 0], T: [38, 38], weights: [3, 1] });
    const expanded = bgnbdLogLikelihood(PUBLISHED, { x: [2, 2, 2, 0], tx: [30, 30, 30, 0], T: [38, 38, 38, 38] });
    expect(once).toBeCloseTo(expanded, 9);
  });

  it("has an analytic gradient that matches central differences", () => {
    const data = { x: s.x, tx: s.tx, T: s.T };
    const at = Float64Array.of(Math.log(0.5), Math.log(3), Math.log(1.2), Math.log(1.7));
    const asParams = (v: Float64Array): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
    const analytic = bgnbdLogLikelihoodGradient(asParams(at), data).gradientLog;
    const numeric = numericGradient((v) => bgnbdLogLikelihood(asParams(v), data), at);
    for (let j = 0; j < 4; j++) expect(analytic[j]!).toBeCloseTo(numeric[j]!, 2);
  });

  it("shrinks the parameters when penalised", () => {
    const pen = fitBgNbd({ x: s.x, tx: s.tx, T: s.T }, { penalizer: 0.1 });
    const norm = (p: BgNbdParams): number => p.r ** 2 + p.alpha ** 2 + p.a ** 2 + p.b ** 2;
    expect(norm(pen.params)).toBeLessThan(norm(fit.params));
    expect(pen.logLikelihood).toBeLessThan(fit.logLikelihood);
  });

  it("rejects rows with t_x after T", () => {
    expect(() => fitBgNbd({ x: [1], tx: [5], T: [4] })).toThrow(/t_x/);
  });
});

describe("BG/NBD per-customer quantities", () => {
  const p = PUBLISHED;

  it("P(alive) is 1 for a customer with no repeat purchase", () => {
    expect(pAlive(p, 0, 0, 38.86)).toBe(1);
    expect(pAlive(p, 0, 0, 1000)).toBe(1);
  });

  it("P(alive) falls as the last purchase recedes", () => {
    expect(pAlive(p, 5, 38, 39)).toBeGreaterThan(pAlive(p, 5, 20, 39));
    expect(pAlive(p, 5, 20, 39)).toBeGreaterThan(pAlive(p, 5, 2, 39));
  });

  it("keeps probabilities in [0, 1] and expectations non-negative over a wide grid", () => {
    for (const x of [0, 1, 2, 5, 20, 100, 500]) {
      for (const T of [0, 0.5, 10, 38.86, 200]) {
        for (const frac of [0, 0.3, 1]) {
          const tx = x === 0 ? 0 : T * frac;
          for (const t of [0.1, 4.345, 39, 520]) {
            const alive = pAlive(p, x, tx, T);
            const none = probabilityNoPurchase(p, t, x, tx, T);
            const e = conditionalExpectedPurchases(p, t, x, tx, T);
            expect(alive).toBeGreaterThanOrEqual(0);
            expect(alive).toBeLessThanOrEqual(1);
            expect(none).toBeGreaterThanOrEqual(0);
            expect(none).toBeLessThanOrEqual(1);
            expect(Number.isFinite(e) && e >= 0).toBe(true);
          }
        }
      }
    }
  });

  it("probability of no purchase is 1 − P(alive)·(1 − ((α+T)/(α+T+t))^(r+x))", () => {
    const [x, tx, T, t] = [3, 20, 38, 13];
    const expected = 1 - pAlive(p, x, tx, T) * (1 - ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x));
    expect(probabilityNoPurchase(p, t, x, tx, T)).toBeCloseTo(expected, 12);
  });

  it("probability of no purchase falls as the horizon grows", () => {
    expect(probabilityNoPurchase(p, 4, 2, 30, 38)).toBeGreaterThan(probabilityNoPurchase(p, 13, 2, 30, 38));
    expect(probabilityNoPurchase(p, 13, 2, 30, 38)).toBeGreaterThan(probabilityNoPurchase(p, 52, 2, 30, 38));
  });

  it("unconditional E[X(t)] equals the conditional expectation of a brand-new customer", () => {
    expect(expectedPurchases(p, 39)).toBeCloseTo(conditionalExpectedPurchases(p, 39, 0, 0, 0), 12);
  });

  it("unconditional E[X(t)] matches the mean of simulated customers", () => {
    // Everyone observed for exactly 26 weeks: cohort of one day, calibration ending on day 182.
    const sim = simulateCustomers({ n: 100_000, bgnbd: p, seed: 7, cohortDays: 1, calibrationEndDay: 182, roundToDays: false });
    const mean = sim.x.reduce((s, v) => s + v, 0) / sim.x.length;
    expect(Math.abs(mean - expectedPurchases(p, 26))).toBeLessThan(0.02);
  });

  it("mean P(alive) matches the share of simulated customers still alive", () => {
    const sim = simulateCustomers({ n: 100_000, bgnbd: p, seed: 11, roundToDays: false });
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < sim.x.length; i++) {
      predicted += pAlive(p, sim.x[i]!, sim.tx[i]!, sim.T[i]!);
      actual += sim.alive[i]!;
    }
    expect(Math.abs(predicted - actual) / sim.x.length).toBeLessThan(0.005);
  });

  it("conditional expectations add up to the purchases simulated in a holdout", () => {
    const sim = simulateCustomers({ n: 100_000, bgnbd: p, seed: 13, holdoutWeeks: 39, roundToDays: false });
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < sim.x.length; i++) {
      predicted += conditionalExpectedPurchases(p, 39, sim.x[i]!, sim.tx[i]!, sim.T[i]!);
      actual += sim.holdoutX[i]!;
    }
    expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.02);
  });

  it("is finite at a = 1, where eq. 10's (a − 1) factors cancel", () => {
    const q = { ...p, a: 1 };
    const at = conditionalExpectedPurchases(q, 39, 2, 30, 38);
    const near = conditionalExpectedPurchases({ ...p, a: 1 + 1e-7 }, 39, 2, 30, 38);
    expect(Number.isFinite(at)).toBe(true);
    expect(at).toBeCloseTo(near, 6);
  });
});

describe("BG/NBD fit on synthetic customers", () => {
  it("recovers the generating parameters", () => {
    const truth: BgNbdParams = { r: 0.25, alpha: 4.8, a: 0.72, b: 2.16 };
    const sim = simulateCustomers({ n: 200_000, bgnbd: truth, seed: 3 });
    const fit = fitBgNbd({ x: sim.x, tx: sim.tx, T: sim.T });
    expect(fit.converged).toBe(true);
    // λ's parameters are pinned down tightly; dropout (a, b) less so, hence the wider band.
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.params.a / truth.a - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.b / truth.b - 1)).toBeLessThan(0.1);
  });
});
