import { describe, it, expect } from "vitest";
import { customerLifetimeValue, scoreCustomers, WEEKS_PER_MONTH, type ModelParams } from "../../src/model/clv.ts";
import { conditionalExpectedPurchases, pAlive, probabilityNoPurchase } from "../../src/model/bgnbd.ts";
import { expectedOrderValue } from "../../src/model/gamma-gamma.ts";
import { simulateCustomers } from "../../src/model/synthetic.ts";

const params: ModelParams = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
};

const customers = {
  x: Float64Array.of(0, 2, 2, 7, 1, 2),
  tx: Float64Array.of(0, 30.43, 30.43, 12, 38, 30.43),
  T: Float64Array.of(38.86, 38.86, 38.86, 38, 38.5, 38.86),
  zbar: Float64Array.of(0, 22.35, 22.35, 41, 9.99, 80),
};

describe("CLV", () => {
  it("grows with the horizon", () => {
    let prev = 0;
    for (const months of [1, 3, 6, 12, 24, 60]) {
      const v = customerLifetimeValue(params, 2, 30.43, 38.86, 22.35, { clvMonths: months });
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });

  it("without discounting is expected order value × expected purchases over the horizon", () => {
    const v = customerLifetimeValue(params, 2, 30.43, 38.86, 22.35, { clvMonths: 12, monthlyDiscountRate: 0 });
    const purchases = conditionalExpectedPurchases(params.bgnbd, 12 * WEEKS_PER_MONTH, 2, 30.43, 38.86);
    expect(v).toBeCloseTo(expectedOrderValue(params.gammaGamma, 2, 22.35) * purchases, 9);
  });

  it("is lower with a higher discount rate", () => {
    const low = customerLifetimeValue(params, 2, 30.43, 38.86, 22.35, { monthlyDiscountRate: 0.01 });
    const high = customerLifetimeValue(params, 2, 30.43, 38.86, 22.35, { monthlyDiscountRate: 0.05 });
    expect(high).toBeLessThan(low);
  });
});

describe("scoreCustomers", () => {
  const out = scoreCustomers(params, customers, { horizonWeeks: 13, clvMonths: 12 });

  it("puts value at risk at CLV × churn probability", () => {
    for (let i = 0; i < customers.x.length; i++) {
      expect(out.valueAtRisk[i]).toBeCloseTo(out.clv[i]! * out.churnProbability[i]!, 12);
    }
  });

  it("agrees with the per-customer functions", () => {
    for (let i = 0; i < customers.x.length; i++) {
      const [x, tx, T, z] = [customers.x[i]!, customers.tx[i]!, customers.T[i]!, customers.zbar[i]!];
      expect(out.pAlive[i]).toBeCloseTo(pAlive(params.bgnbd, x, tx, T), 12);
      expect(out.expectedPurchases[i]).toBeCloseTo(conditionalExpectedPurchases(params.bgnbd, 13, x, tx, T), 12);
      expect(out.churnProbability[i]).toBeCloseTo(probabilityNoPurchase(params.bgnbd, 13, x, tx, T), 12);
      expect(out.expectedOrderValue[i]).toBeCloseTo(expectedOrderValue(params.gammaGamma, x, z), 12);
      expect(out.clv[i]).toBeCloseTo(customerLifetimeValue(params, x, tx, T, z), 9);
    }
  });

  it("gives identical results with and without de-duplication of (x, t_x, T)", () => {
    const sim = simulateCustomers({ n: 5000, bgnbd: params.bgnbd, gammaGamma: params.gammaGamma, seed: 9 });
    const a = scoreCustomers(params, sim);
    const b = scoreCustomers(params, sim, { dedupe: false });
    expect(Array.from(a.clv)).toEqual(Array.from(b.clv));
    expect(Array.from(a.churnProbability)).toEqual(Array.from(b.churnProbability));
  });

  it("keeps every probability in [0, 1]", () => {
    const sim = simulateCustomers({ n: 5000, bgnbd: params.bgnbd, gammaGamma: params.gammaGamma, seed: 10 });
    const s = scoreCustomers(params, sim, { horizonWeeks: 52 });
    for (let i = 0; i < sim.x.length; i++) {
      expect(s.pAlive[i]! >= 0 && s.pAlive[i]! <= 1).toBe(true);
      expect(s.churnProbability[i]! >= 0 && s.churnProbability[i]! <= 1).toBe(true);
    }
  });

  it("scores a customer who shares a triple with another using their own order value", () => {
    // Rows 1 and 5 share (x, t_x, T) but not z̄.
    expect(out.pAlive[5]).toBe(out.pAlive[1]);
    expect(out.clv[5]).toBeGreaterThan(out.clv[1]!);
  });

  it("rejects columns of different lengths", () => {
    expect(() => scoreCustomers(params, { ...customers, zbar: new Float64Array(1) })).toThrow(/same length/);
  });
});
