import { describe, it, expect } from "vitest";
import { expectedOrderValue, fitGammaGamma, gammaGammaLogLikelihood } from "../../src/model/gamma-gamma.ts";
import { parseTransactions } from "../../src/model/cdnow.ts";
import { buildSummary } from "../../src/model/summary.ts";
import { simulateCustomers } from "../../src/model/synthetic.ts";
import { publishedSummary, readCdnow } from "./data.ts";

// Published Gamma-Gamma estimates on the CDNOW sample (FHL 2005 JMR).
const PUBLISHED = { p: 6.25, q: 3.74, gamma: 15.44 };

describe("Gamma-Gamma fit on the CDNOW sample summary", () => {
  const s = publishedSummary();
  const fit = fitGammaGamma({ x: s.x, zbar: s.zbar });

  it("uses the 946 customers with a repeat purchase", () => {
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
  });

  it.each(["p", "q", "gamma"] as const)("reproduces the published %s within 0.01", (name) => {
    expect(Math.abs(fit.params[name] - PUBLISHED[name])).toBeLessThanOrEqual(0.01);
  });

  it("fits nearly the same on the summary built from the raw transactions", () => {
    const own = buildSummary(parseTransactions(readCdnow("CDNOW_sample.txt"), "cdnow-sample"), { calibrationEnd: "1997-09-30" });
    const f = fitGammaGamma({ x: own.x, zbar: own.zbar });
    expect(f.customers).toBe(946);
    // Only the CSV's rounding of z̄ to cents separates the two.
    expect(Math.abs(f.params.p - fit.params.p)).toBeLessThan(0.01);
    expect(Math.abs(f.params.q - fit.params.q)).toBeLessThan(0.01);
    expect(Math.abs(f.params.gamma - fit.params.gamma)).toBeLessThan(0.01);
  });

  it("ignores customers without a repeat purchase", () => {
    const withZeros = gammaGammaLogLikelihood(PUBLISHED, { x: [0, 2, 0], zbar: [0, 30, 0] });
    expect(withZeros).toBeCloseTo(gammaGammaLogLikelihood(PUBLISHED, { x: [2], zbar: [30] }), 12);
  });

  it("shrinks the parameters when penalised", () => {
    const pen = fitGammaGamma({ x: s.x, zbar: s.zbar }, { penalizer: 0.01 });
    const norm = (p: typeof PUBLISHED): number => p.p ** 2 + p.q ** 2 + p.gamma ** 2;
    expect(norm(pen.params)).toBeLessThan(norm(fit.params));
  });
});

describe("Gamma-Gamma expected order value", () => {
  const populationMean = (PUBLISHED.p * PUBLISHED.gamma) / (PUBLISHED.q - 1);

  it("is the population mean pγ/(q−1) for a customer with no repeat purchase", () => {
    expect(expectedOrderValue(PUBLISHED, 0, 0)).toBeCloseTo(populationMean, 12);
  });

  it("lies between the population mean and the customer's own mean", () => {
    const e = expectedOrderValue(PUBLISHED, 3, 80);
    expect(e).toBeGreaterThan(populationMean);
    expect(e).toBeLessThan(80);
  });

  it("moves towards the customer's own mean as purchases accumulate", () => {
    const few = expectedOrderValue(PUBLISHED, 1, 80);
    const many = expectedOrderValue(PUBLISHED, 50, 80);
    expect(Math.abs(many - 80)).toBeLessThan(Math.abs(few - 80));
  });
});

describe("Gamma-Gamma fit on synthetic customers", () => {
  it("recovers the generating parameters", () => {
    const truth = { p: 6, q: 3.7, gamma: 15 };
    const sim = simulateCustomers({ n: 200_000, bgnbd: { r: 0.25, alpha: 4.8, a: 0.72, b: 2.16 }, gammaGamma: truth, seed: 5 });
    const fit = fitGammaGamma({ x: sim.x, zbar: sim.zbar });
    for (const k of ["p", "q", "gamma"] as const) expect(Math.abs(fit.params[k] / truth[k] - 1)).toBeLessThan(0.1);
  });
});
