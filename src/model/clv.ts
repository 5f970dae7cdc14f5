/**
 * Customer lifetime value and per-customer scoring.
 *
 * CLV follows `lifetimes`' customer_lifetime_value: over months m = 1..H,
 *   CLV = Σ_m E[order value] · (E[Y(m·w)] − E[Y((m−1)·w)]) / (1 + d)^m,
 * with E[Y(t)] the BG/NBD conditional expectation (FHL 2005 eq. 10), E[order value] the
 * Gamma-Gamma conditional mean, w weeks per month (4.345, `lifetimes`' factor) and d the monthly
 * discount rate. Value at risk = CLV × P(no purchase over the churn horizon).
 */
import { aggregateRfm } from "./aggregate.ts";
import { pAlive, probabilityNoPurchase, type BgNbdParams } from "./bgnbd.ts";
import { expectedOrderValue, type GammaGammaParams } from "./gamma-gamma.ts";
import { bgnbdOneMinusGOverBMulti } from "./special.ts";

export const WEEKS_PER_MONTH = 4.345;

export interface ModelParams {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
}

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
class TripleScorer {
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
    this.times = new Float64Array(months + 1);
    this.discount = new Float64Array(months);
    for (let m = 1; m <= months; m++) {
      this.times[m - 1] = m * weeksPerMonth;
      this.discount[m - 1] = Math.pow(1 + rate, -m);
    }
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
  const scorer = new TripleScorer(params.bgnbd, horizon, months, rate, wpm);
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
  const scorer = new TripleScorer(
    params.bgnbd,
    0,
    opts.clvMonths ?? 12,
    opts.monthlyDiscountRate ?? 0.01,
    opts.weeksPerMonth ?? WEEKS_PER_MONTH,
  );
  const res = new Float64Array(4);
  scorer.score(x, tx, T, res);
  return expectedOrderValue(params.gammaGamma, x, zbar) * res[3]!;
}
