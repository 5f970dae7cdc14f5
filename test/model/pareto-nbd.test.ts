import { describe, expect, it } from "vitest";
import { fitBgNbd } from "../../src/model/bgnbd.ts";
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdLogLikelihood,
  paretoNbdPAlive,
  type ParetoNbdParams,
} from "../../src/model/pareto-nbd.ts";
import { publishedSummary } from "./data.ts";

// Published Pareto/NBD estimates on the CDNOW sample (Fader & Hardie's Pareto/NBD notes; the
// `lifetimes` ParetoNBDFitter documentation prints the same, rounded: r 0.55, α 10.58, s 0.61, β 11.67).
const PUBLISHED: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

describe("Pareto/NBD on the CDNOW sample summary", () => {
  const s = publishedSummary();
  const data = { x: s.x, tx: s.tx, T: s.T };
  const fit = fitParetoNbd(data);

  it.each(["r", "alpha", "s", "beta"] as const)("reproduces the published %s within 1%", (name) => {
    expect(Math.abs(fit.params[name] - PUBLISHED[name]) / PUBLISHED[name]).toBeLessThan(0.01);
  });

  it("reproduces the published log-likelihood −9594.98", () => {
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(-9594.98, 1);
  });

  it("reaches a likelihood at least as high as at the published (rounded) estimates, near BG/NBD's −9582.4", () => {
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(paretoNbdLogLikelihood(PUBLISHED, data) - 1e-6);
    expect(Math.abs(fit.logLikelihood - fitBgNbd(data).logLikelihood)).toBeLessThan(30);
  });

  it("P(alive) is 1 for a customer whose last purchase is now, falls with silence, and is lower for a frequent buyer gone quiet", () => {
    expect(paretoNbdPAlive(PUBLISHED, 2, 30, 30)).toBeCloseTo(1, 12);
    expect(paretoNbdPAlive(PUBLISHED, 2, 10, 30)).toBeLessThan(paretoNbdPAlive(PUBLISHED, 2, 20, 30));
    expect(paretoNbdPAlive(PUBLISHED, 10, 10, 30)).toBeLessThan(paretoNbdPAlive(PUBLISHED, 2, 10, 30));
  });

  it("predicts the holdout's total repeat purchases within 10% (FHL: 39 weeks, actual 1,788 for this cohort)", () => {
    let predicted = 0;
    for (let i = 0; i < s.x.length; i++) predicted += paretoNbdConditionalExpectedPurchases(fit.params, 39, s.x[i]!, s.tx[i]!, s.T[i]!);
    expect(Math.abs(predicted - 1788) / 1788).toBeLessThan(0.1);
  });
});
