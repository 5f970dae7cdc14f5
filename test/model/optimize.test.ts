import { describe, it, expect } from "vitest";
import { bfgs, minimize, nelderMead } from "../../src/model/optimize.ts";

const rosenbrock = (v: Float64Array, g?: Float64Array): number => {
  const [x, y] = [v[0]!, v[1]!];
  if (g) {
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
  }
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
};

describe("optimisers", () => {
  it("BFGS finds the Rosenbrock minimum from the classic start", () => {
    const r = bfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it("BFGS works with a numeric gradient", () => {
    const r = bfgs((v) => rosenbrock(v), [-1.2, 1], { numericGradient: true, gradTol: 1e-6 });
    expect(r.x[0]).toBeCloseTo(1, 4);
  });

  it("Nelder–Mead finds the Rosenbrock minimum without derivatives", () => {
    const r = nelderMead((v) => rosenbrock(v), [-1.2, 1]);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it("steps back from regions where the objective is not finite", () => {
    // Defined only for x > 0; the minimum is at x = 1.
    const f = (v: Float64Array, g?: Float64Array): number => {
      const x = v[0]!;
      if (g) g[0] = 1 - 1 / x;
      return x > 0 ? x - Math.log(x) : NaN;
    };
    const r = minimize(f, [20]);
    expect(r.x[0]).toBeCloseTo(1, 6);
  });
});
