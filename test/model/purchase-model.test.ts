import { describe, expect, it } from "vitest";
import { probabilityNoPurchase, bgnbdLogLikelihood, type BgNbdParams } from "../../src/model/bgnbd.ts";
import { paretoNbdLogLikelihood, paretoNbdPAlive, paretoNbdProbabilityNoPurchase, type ParetoNbdParams } from "../../src/model/pareto-nbd.ts";
import { choosePurchaseModel, holdoutDaysFor, type PurchaseModel } from "../../src/model/purchase-model.ts";
import { Rng } from "../../src/model/synthetic.ts";

const PARETO: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const BGNBD: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/**
 * Customers of one model with their purchases in weeks since their first (on day 0..83, as
 * CDNOW's cohort), summarised at the split (week 26) and at the end (week 39).
 */
function simulate(model: PurchaseModel, n: number, seed: number) {
  const rng = new Rng(seed);
  const split = 26;
  const end = 39;
  const atSplit = { x: [] as number[], tx: [] as number[], T: [] as number[] };
  const atEnd = { x: [] as number[], tx: [] as number[], T: [] as number[] };
  for (let i = 0; i < n; i++) {
    const first = Math.floor(rng.uniform() * 84) / 7;
    const lambda = rng.gamma(model.params.r, model.params.alpha);
    // Pareto/NBD: death at an exponential time; BG/NBD: after each purchase with probability p.
    const death = model.kind === "pareto_nbd" ? rng.exponential(rng.gamma(model.params.s, model.params.beta)) : Infinity;
    const p = model.kind === "bgnbd" ? rng.beta(model.params.a, model.params.b) : 0;
    const times: number[] = [];
    for (let t = rng.exponential(lambda); t <= end - first && t <= death; t += rng.exponential(lambda)) {
      times.push(Math.floor(t * 7) / 7);
      if (model.kind === "bgnbd" && rng.uniform() < p) break;
    }
    for (const [at, out] of [[split, atSplit], [end, atEnd]] as const) {
      const seen = times.filter((t) => t <= at - first);
      out.x.push(seen.length);
      out.tx.push(seen.length > 0 ? seen[seen.length - 1]! : 0);
      out.T.push(at - first);
    }
  }
  return { atSplit, atEnd };
}

const choose = (data: ReturnType<typeof simulate>, minCustomers = 200) =>
  choosePurchaseModel({ ...data, splitDay: "1997-07-02", holdoutDays: 91, penalizer: 0.001, minCustomers, minRepeatCustomers: 50 });

describe("Pareto/NBD P(no purchase in the next t)", () => {
  it("matches 1 − P(alive)·E[λ/(λ+μ)(1 − e^{−(λ+μ)t})] over the posterior of an alive customer (Monte Carlo)", () => {
    const rng = new Rng(7);
    for (const [x, tx, T, t] of [[0, 0, 30, 13], [2, 10, 30, 13], [6, 28, 30, 39], [1, 3, 38, 4]] as const) {
      // Alive at T, λ | data ~ Gamma(r+x, α+T) and μ | data ~ Gamma(s, β+T), independent.
      let buy = 0;
      const draws = 200_000;
      for (let k = 0; k < draws; k++) {
        const lambda = rng.gamma(PARETO.r + x, PARETO.alpha + T);
        const mu = rng.gamma(PARETO.s, PARETO.beta + T);
        buy += (lambda / (lambda + mu)) * -Math.expm1(-(lambda + mu) * t);
      }
      const expected = 1 - paretoNbdPAlive(PARETO, x, tx, T) * (buy / draws);
      expect(Math.abs(paretoNbdProbabilityNoPurchase(PARETO, t, x, tx, T) - expected)).toBeLessThan(3e-3);
    }
  });

  it("is the likelihood ratio L(x, t_x, T+t)/L(x, t_x, T), which for BG/NBD gives its closed form", () => {
    const one = (x: number, tx: number, T: number) => ({ x: [x], tx: [tx], T: [T] });
    for (const [x, tx, T, t] of [[0, 0, 30, 13], [3, 12, 30, 13], [8, 29, 30, 26]] as const) {
      const ratio = Math.exp(bgnbdLogLikelihood(BGNBD, one(x, tx, T + t)) - bgnbdLogLikelihood(BGNBD, one(x, tx, T)));
      expect(ratio).toBeCloseTo(probabilityNoPurchase(BGNBD, t, x, tx, T), 10);
      const pareto = Math.exp(paretoNbdLogLikelihood(PARETO, one(x, tx, T + t)) - paretoNbdLogLikelihood(PARETO, one(x, tx, T)));
      expect(pareto).toBeCloseTo(paretoNbdProbabilityNoPurchase(PARETO, t, x, tx, T), 10);
    }
  });
});

describe("choosing the purchase model by holdout log-likelihood", () => {
  it("chooses Pareto/NBD for customers who can leave at any time", () => {
    const choice = choose(simulate({ kind: "pareto_nbd", params: { r: 0.8, alpha: 5, s: 1.5, beta: 10 } }, 6000, 1));
    expect(choice.chosen).toBe("pareto_nbd");
    const [bg, pn] = choice.candidates;
    expect(pn!.holdoutLogLikelihood).toBeGreaterThan(bg!.holdoutLogLikelihood);
    expect(choice.reason).toMatch(/^Pareto\/NBD: fitted on purchases to 1997-07-02, its holdout log-likelihood over the next 91 days \(6000 customers\)/);
  });

  it("chooses BG/NBD for customers who leave only right after a purchase", () => {
    const choice = choose(simulate({ kind: "bgnbd", params: { r: 0.8, alpha: 5, a: 0.6, b: 1.2 } }, 6000, 2));
    expect(choice.chosen).toBe("bgnbd");
    expect(choice.candidates[0]!.holdoutLogLikelihood).toBeGreaterThan(choice.candidates[1]!.holdoutLogLikelihood);
  });

  it("recalibrates the chosen model's churn probability on the split, lowering its calibration error there", () => {
    const choice = choose(simulate({ kind: "pareto_nbd", params: { r: 0.8, alpha: 5, s: 1.5, beta: 10 } }, 6000, 3));
    const c = choice.churnRecalibration!;
    expect(c).toMatchObject({ kind: "platt", holdoutDays: 91, customers: 6000 });
    expect(c.a).toBeGreaterThan(0);
    expect(c.eceAfter).toBeLessThanOrEqual(c.eceBefore);
  });

  it("keeps BG/NBD and says why when too few customers had bought by the split", () => {
    const choice = choose(simulate({ kind: "pareto_nbd", params: PARETO }, 150, 4));
    expect(choice).toMatchObject({ chosen: "bgnbd", candidates: [], churnRecalibration: null });
    expect(choice.reason).toMatch(/150 customers had bought \(needs 200\)/);
  });

  it("holds out the churn horizon, at most half the history", () => {
    expect(holdoutDaysFor(90, 400)).toBe(90);
    expect(holdoutDaysFor(90, 101)).toBe(50);
  });
});
