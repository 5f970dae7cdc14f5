/**
 * Customer lifetime value and per-customer scoring.
 *
 * CLV follows `lifetimes`' customer_lifetime_value: over months m = 1..H,
 *   CLV = Σ_m E[order value] · (E[Y(m·w)] − E[Y((m−1)·w)]) / (1 + d)^m,
 * with E[Y(t)] the BG/NBD (FHL 2005 eq. 10) or Pareto/NBD conditional expectation, E[order value] the
 * Gamma-Gamma conditional mean, w weeks per month (4.345, `lifetimes`' factor) and d the monthly
 * discount rate. Value at risk = CLV × P(no purchase over the churn horizon).
 */
import { aggregateRfm } from "./aggregate.ts";
import { pAlive, probabilityNoPurchase, type BgNbdParams } from "./bgnbd.ts";
import { expectedOrderValue, type GammaGammaParams } from "./gamma-gamma.ts";
import { paretoNbdPAlive, paretoNbdProbabilityNoPurchase, type ParetoNbdParams } from "./pareto-nbd.ts";
import type { PurchaseModel } from "./purchase-model.ts";
import { bgnbdOneMinusGOverBMulti } from "./special.ts";

export const WEEKS_PER_MONTH = 4.345;

/** The purchase part as BG/NBD parameters or as either model (src/model/purchase-model.ts). */
export type ModelParams = { gammaGamma: GammaGammaParams } & ({ bgnbd: BgNbdParams } | { purchase: PurchaseModel });

export interface ScoreOptions {
  /** Horizon of expectedPurchases and churnProbability, in weeks (default 13, a quarter). */
  horizonWeeks?: number;
  /** CLV horizon in months (default 12). */
  clvMonths?: number;
  /** Monthly discount rate (default 0.01). */
  monthlyDiscountRate?: number;
  /** Weeks per month (default 4.345, as in `lifetimes`). */
  weeksPerMonth?: number;
  /**
   * Compute the BG/NBD quantities once per distinct (x, t_x, T) (default true). Exact; saves
   * most of the work on daily data, where many customers share a triple.
   */
  dedupe?: boolean;
}

export interface ScoreInput {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Mean repeat-transaction value (ignored when x = 0). */
  zbar: ArrayLike<number>;
}

export interface ScoreOutput {
  pAlive: Float64Array;
  /** E[Y(horizon) | x, t_x, T]. */
  expectedPurchases: Float64Array;
  /** P(no purchase in the next horizon | x, t_x, T). */
  churnProbability: Float64Array;
  expectedOrderValue: Float64Array;
  clv: Float64Array;
  /** clv × churnProbability. */
  valueAtRisk: Float64Array;
}

/**
 * The BG/NBD part of scoring for one (x, t_x, T): P(alive), E[Y(horizon)], churn probability, and
 * the discounted expected purchases Σ_m ΔE_m/(1+d)^m that CLV multiplies by the order value.
 */
interface Scorer {
  /** res = [P(alive), E[Y(horizon)], churn probability, discounted expected purchases]. */
  score(x: number, tx: number, T: number, res: Float64Array): void;
}

/** Month-end times in weeks and their discount factors. */
function monthTable(count: number, rate: number, weeksPerMonth: number): { times: Float64Array; discount: Float64Array } {
  const times = new Float64Array(count);
  const discount = new Float64Array(count);
  for (let m = 1; m <= count; m++) {
    times[m - 1] = m * weeksPerMonth;
    discount[m - 1] = Math.pow(1 + rate, -m);
  }
  return { times, discount };
}

/**
 * The Pareto/NBD part: E[Y(t)] = (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive)
 * (see paretoNbdConditionalExpectedPurchases), P(alive) once per triple.
 */
class ParetoTripleScorer implements Scorer {
  private readonly times: Float64Array;
  private readonly discount: Float64Array;
  constructor(
    private readonly p: ParetoNbdParams,
    private readonly horizon: number,
    count: number,
    rate: number,
    weeksPerMonth: number,
  ) {
    ({ times: this.times, discount: this.discount } = monthTable(count, rate, weeksPerMonth));
  }

  private expected(scale: number, T: number, t: number): number {
    if (t <= 0) return 0;
    const { s, beta } = this.p;
    const ratio = Math.log((beta + T) / (beta + T + t));
    const part = Math.abs(s - 1) < 1e-10 ? -ratio : -Math.expm1((s - 1) * ratio) / (s - 1);
    return scale * part;
  }

  score(x: number, tx: number, T: number, res: Float64Array): void {
    const { p, times, discount } = this;
    const alive = paretoNbdPAlive(p, x, tx, T);
    const scale = (((p.r + x) * (p.beta + T)) / (p.alpha + T)) * alive;
    let prev = 0;
    let disc = 0;
    for (let m = 0; m < times.length; m++) {
      const e = this.expected(scale, T, times[m]!);
      disc += (e - prev) * discount[m]!;
      prev = e;
    }
    res[0] = alive;
    res[1] = this.expected(scale, T, this.horizon);
    res[2] = paretoNbdProbabilityNoPurchase(p, this.horizon, x, tx, T);
    res[3] = disc;
  }
}

class TripleScorer implements Scorer {
  private readonly zs: Float64Array;
  private readonly out: Float64Array;
  private readonly times: Float64Array;
  private readonly discount: Float64Array;
  constructor(
    private readonly p: BgNbdParams,
    private readonly horizon: number,
    months: number,
    rate: number,
    weeksPerMonth: number,
  ) {
    // Slots 0..months−1: end of each month; slot `months`: the churn horizon.
    const ends = monthTable(months, rate, weeksPerMonth);
    this.times = new Float64Array(months + 1);
    this.times.set(ends.times);
    this.discount = ends.discount;
    this.times[months] = horizon;
    this.zs = new Float64Array(months + 1);
    this.out = new Float64Array(months + 1);
  }

  score(x: number, tx: number, T: number, res: Float64Array): void {
    const { p, zs, out, times, discount } = this;
    const months = discount.length;
    const aT = p.alpha + T;
    for (let k = 0; k <= months; k++) {
      const t = times[k]!;
      zs[k] = t / (aT + t);
    }
    bgnbdOneMinusGOverBMulti(p.r, p.a, p.b, x, zs, out, months + 1);
    const alive = pAlive(p, x, tx, T);
    const scale = (p.a + p.b + x - 1) * alive; // E[Y(t)] = scale · out(t), FHL eq. 10
    let prev = 0;
    let disc = 0;
    for (let m = 0; m < months; m++) {
      const e = scale * out[m]!;
      disc += (e - prev) * discount[m]!;
      prev = e;
    }
    res[0] = alive;
    res[1] = this.horizon > 0 ? scale * out[months]! : 0;
    res[2] = probabilityNoPurchase(p, this.horizon, x, tx, T);
    res[3] = disc;
  }
}

function scorerFor(params: ModelParams, horizon: number, count: number, rate: number, weeksPerMonth: number): Scorer {
  const m: PurchaseModel = "bgnbd" in params ? { kind: "bgnbd", params: params.bgnbd } : params.purchase;
  return m.kind === "bgnbd"
    ? new TripleScorer(m.params, horizon, count, rate, weeksPerMonth)
    : new ParetoTripleScorer(m.params, horizon, count, rate, weeksPerMonth);
}

/** Scores every customer; columnar in, columnar out. */
export function scoreCustomers(params: ModelParams, customers: ScoreInput, opts: ScoreOptions = {}): ScoreOutput {
  const horizon = opts.horizonWeeks ?? 13;
  const months = opts.clvMonths ?? 12;
  const rate = opts.monthlyDiscountRate ?? 0.01;
  const wpm = opts.weeksPerMonth ?? WEEKS_PER_MONTH;
  if (!(horizon >= 0) || !(months >= 0) || !Number.isInteger(months) || !(rate > -1) || !(wpm > 0)) {
    throw new Error("scoreCustomers: invalid horizon, months, discount rate or weeks per month");
  }
  const n = customers.x.length;
  if (customers.tx.length !== n || customers.T.length !== n || customers.zbar.length !== n) {
    throw new Error("scoreCustomers: x, tx, T and zbar must have the same length");
  }
  const scorer = scorerFor(params, horizon, months, rate, wpm);
  const out: ScoreOutput = {
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    churnProbability: new Float64Array(n),
    expectedOrderValue: new Float64Array(n),
    clv: new Float64Array(n),
    valueAtRisk: new Float64Array(n),
  };
  const res = new Float64Array(4);
  const gg = params.gammaGamma;
  const finish = (i: number, alive: number, exp: number, churn: number, disc: number): void => {
    const x = customers.x[i]!;
    const eov = expectedOrderValue(gg, x, customers.zbar[i]!);
    const clv = eov * disc;
    out.pAlive[i] = alive;
    out.expectedPurchases[i] = exp;
    out.churnProbability[i] = churn;
    out.expectedOrderValue[i] = eov;
    out.clv[i] = clv;
    out.valueAtRisk[i] = clv * churn;
  };
  if (opts.dedupe ?? true) {
    const agg = aggregateRfm(customers.x, customers.tx, customers.T);
    const u = agg.size;
    const uAlive = new Float64Array(u);
    const uExp = new Float64Array(u);
    const uChurn = new Float64Array(u);
    const uDisc = new Float64Array(u);
    for (let k = 0; k < u; k++) {
      scorer.score(agg.x[k]!, agg.tx[k]!, agg.T[k]!, res);
      uAlive[k] = res[0]!;
      uExp[k] = res[1]!;
      uChurn[k] = res[2]!;
      uDisc[k] = res[3]!;
    }
    const map = agg.rowToUnique;
    for (let i = 0; i < n; i++) {
      const k = map[i]!;
      finish(i, uAlive[k]!, uExp[k]!, uChurn[k]!, uDisc[k]!);
    }
  } else {
    for (let i = 0; i < n; i++) {
      scorer.score(customers.x[i]!, customers.tx[i]!, customers.T[i]!, res);
      finish(i, res[0]!, res[1]!, res[2]!, res[3]!);
    }
  }
  return out;
}

/** CLV of one customer (see the module comment). */
export function customerLifetimeValue(
  params: ModelParams,
  x: number,
  tx: number,
  T: number,
  zbar: number,
  opts: Omit<ScoreOptions, "horizonWeeks" | "dedupe"> = {},
): number {
  const scorer = scorerFor(params, 0, opts.clvMonths ?? 12, opts.monthlyDiscountRate ?? 0.01, opts.weeksPerMonth ?? WEEKS_PER_MONTH);
  const res = new Float64Array(4);
  scorer.score(x, tx, T, res);
  return expectedOrderValue(params.gammaGamma, x, zbar) * res[3]!;
}
