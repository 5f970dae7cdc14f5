import { describe, it, expect } from "vitest";
import stdHyp2f1 from "@stdlib/math-base-special-hyp2f1";
import {
  bgnbdOneMinusGOverB,
  bgnbdOneMinusGOverBMulti,
  expit,
  hyp2f1,
  logAddExp,
  logSumExp,
} from "../../src/model/special.ts";

/** Plain power series, many terms: a reference for 0 < z < 1 with positive parameters. */
function referenceHyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 1_000_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

describe("log-sum-exp", () => {
  it("stays finite for huge positive arguments", () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 10);
    expect(logSumExp([1e308, 1e308])).toBe(1e308);
  });

  it("keeps precision for huge negative arguments", () => {
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 10);
    expect(logSumExp([-1e5, -1e5 - 1])).toBeCloseTo(-1e5 + Math.log1p(Math.exp(-1)), 8);
  });

  it("treats −Infinity terms as zero weight", () => {
    expect(logSumExp([-Infinity, 3])).toBe(3);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logAddExp(-Infinity, 5)).toBe(5);
  });

  it("agrees with the direct formula for moderate arguments", () => {
    expect(logSumExp([1, 2, 3])).toBeCloseTo(Math.log(Math.E + Math.E ** 2 + Math.E ** 3), 12);
    expect(logAddExp(-700, -710)).toBeCloseTo(-700 + Math.log1p(Math.exp(-10)), 12);
  });
});

describe("expit", () => {
  it("saturates without overflow", () => {
    expect(expit(1000)).toBe(1);
    expect(expit(-1000)).toBe(0);
    expect(expit(0)).toBe(0.5);
  });
});

describe("hyp2f1", () => {
  it("matches the closed form 2F1(1, 1; 2; z) = −ln(1 − z)/z", () => {
    for (const z of [-0.95, -0.3, 0.1, 0.5, 0.89, 0.95, 0.999]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 10);
    }
  });

  it("matches a long reference series for the arguments BG/NBD needs", () => {
    for (const [a, b, c, z] of [
      [2.243, 4.426, 5.219, 0.474],
      [0.243, 2.426, 2.219, 0.95],
      [30.2, 32.4, 32.2, 0.6],
    ] as const) {
      expect(hyp2f1(a, b, c, z) / referenceHyp2f1(a, b, c, z)).toBeCloseTo(1, 12);
    }
  });
});

describe("BG/NBD hypergeometric term", () => {
  // (1 − G)/(a − 1) with G = (1−z)^{r+x} 2F1(r+x, b+x; a+b+x−1; z), straight from eq. 10.
  const direct = (r: number, a: number, b: number, x: number, z: number): number =>
    (1 - (1 - z) ** (r + x) * stdHyp2f1(r + x, b + x, a + b + x - 1, z)) / (a - 1);

  it("equals eq. 10's bracket over (a − 1), via Euler's transformation", () => {
    for (const [r, a, b] of [
      [0.243, 0.793, 2.426],
      [1.5, 3.2, 0.4],
    ] as const) {
      for (const x of [0, 1, 7]) {
        for (const z of [0.01, 0.3, 0.85, 0.95, 0.995]) {
          expect(bgnbdOneMinusGOverB(r, a, b, x, z) / direct(r, a, b, x, z)).toBeCloseTo(1, 9);
        }
      }
    }
  });

  it("does not overflow for customers with hundreds of purchases", () => {
    const v = bgnbdOneMinusGOverB(0.243, 0.793, 2.426, 800, 0.6);
    expect(Number.isFinite(v) && v > 0).toBe(true);
  });

  it("evaluates several horizons at once exactly as one at a time", () => {
    const zs = Float64Array.of(0.05, 0.2, 0.5, 0.88, 0.93, 0);
    const out = new Float64Array(zs.length);
    bgnbdOneMinusGOverBMulti(0.243, 0.793, 2.426, 3, zs, out);
    zs.forEach((z, m) => expect(out[m]!).toBeCloseTo(bgnbdOneMinusGOverB(0.243, 0.793, 2.426, 3, z), 12));
  });
});
