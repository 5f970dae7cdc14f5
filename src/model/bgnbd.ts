/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way: An Alternative
 * to the Pareto/NBD Model", Marketing Science 24(2)).
 *
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat
 * purchase they drop out with probability p ~ Beta(a, b). Per customer the data are x (repeat
 * purchases), t_x (time of the last one) and T (time since the first purchase), all in weeks in
 * this project.
 */
import { aggregateRfm, type AggregatedRfm } from "./aggregate.ts";
import { minimize } from "./optimize.ts";
import { betaln, bgnbdOneMinusGOverB, digamma, expit, gammaln } from "./special.ts";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Columnar per-customer recency/frequency data; `weights` optional (default 1 each). */
export interface RfmColumns {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

export interface BgNbdFitOptions {
  /**
   * L2 penaliser: the objective is −LL/N + penalizer·(r² + α² + a² + b²), the per-customer
   * scaling used by `lifetimes`' `penalizer_coef`. Helps when dropout is weakly identified.
   */
  penalizer?: number;
  /** Starting point (default all ones, i.e. log-parameters at 0). */
  initial?: BgNbdParams;
  /** Collapse identical (x, t_x, T) rows before fitting (default true; the result is identical). */
  aggregate?: boolean;
  maxIter?: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Unpenalised log-likelihood summed over customers (FHL 2005 eq. 6). */
  logLikelihood: number;
  /** Number of customers (total weight). */
  customers: number;
  /** Distinct (x, t_x, T) rows the likelihood was evaluated on. */
  uniqueRows: number;
  penalizer: number;
  iterations: number;
  converged: boolean;
  optimizer: string;
  fitMs: number;
}

const PARAM_NAMES = ["r", "alpha", "a", "b"] as const;

function toVector(p: BgNbdParams): Float64Array {
  return Float64Array.of(p.r, p.alpha, p.a, p.b);
}

function fromLogVector(v: Float64Array): BgNbdParams {
  return { r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) };
}

/** Likelihood workspace: unique rows plus the table of distinct x values (terms that depend on x only). */
interface Workspace {
  agg: AggregatedRfm;
  /** Index into the distinct-x table for each unique row. */
  xIndex: Int32Array;
  xValues: Float64Array;
  /** Total weight of the rows having each distinct x. */
  xWeight: Float64Array;
  totalWeight: number;
}

function buildWorkspace(data: RfmColumns | AggregatedRfm, aggregate: boolean): Workspace {
  let agg: AggregatedRfm;
  if ("size" in data && "weight" in data) {
    agg = data;
  } else if (aggregate) {
    agg = aggregateRfm(data.x, data.tx, data.T, data.weights);
  } else {
    const n = data.x.length;
    agg = {
      x: Float64Array.from(data.x),
      tx: Float64Array.from(data.tx),
      T: Float64Array.from(data.T),
      weight: data.weights ? Float64Array.from(data.weights) : new Float64Array(n).fill(1),
      size: n,
      rowToUnique: new Int32Array(0),
    };
  }
  validate(agg);
  const map = new Map<number, number>();
  const xIndex = new Int32Array(agg.size);
  const xs: number[] = [];
  const ws: number[] = [];
  let total = 0;
  for (let i = 0; i < agg.size; i++) {
    const xv = agg.x[i]!;
    let k = map.get(xv);
    if (k === undefined) {
      k = xs.length;
      map.set(xv, k);
      xs.push(xv);
      ws.push(0);
    }
    xIndex[i] = k;
    ws[k] = ws[k]! + agg.weight[i]!;
    total += agg.weight[i]!;
  }
  return { agg, xIndex, xValues: Float64Array.from(xs), xWeight: Float64Array.from(ws), totalWeight: total };
}

function validate(agg: AggregatedRfm): void {
  for (let i = 0; i < agg.size; i++) {
    const x = agg.x[i]!;
    const tx = agg.tx[i]!;
    const T = agg.T[i]!;
    if (!(x >= 0 && tx >= 0 && T >= tx && Number.isFinite(T)) || !(agg.weight[i]! >= 0)) {
      throw new Error(`BG/NBD: invalid customer row x=${x}, t_x=${tx}, T=${T} (need x ≥ 0, 0 ≤ t_x ≤ T)`);
    }
  }
}

/**
 * Σ_i w_i ln L_i (FHL 2005 eq. 6, in the log-sum-exp form of `lifetimes`), and optionally its
 * gradient with respect to (ln r, ln α, ln a, ln b).
 *
 *   ln L = A1 + A2 + ln(e^{A3} + δ_{x>0} e^{A4})
 *   A1 = ln Γ(r+x) − ln Γ(r) + r ln α
 *   A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x) = ln B(a, b+x) − ln B(a, b)
 *   A3 = −(r+x) ln(α+T)
 *   A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
 */
function logLikelihoodWs(ws: Workspace, p: BgNbdParams, gradLog?: Float64Array): number {
  const { r, alpha, a, b } = p;
  const { agg, xIndex, xValues, xWeight } = ws;
  const K = xValues.length;
  // Terms depending on x only, computed once per distinct x.
  const c12 = new Float64Array(K);
  const c4 = new Float64Array(K);
  const lnAlpha = Math.log(alpha);
  const bAb = betaln(a, b);
  const gR = gammaln(r);
  let ll = 0;
  let dR = 0;
  let dA = 0;
  let dB = 0;
  const wantGrad = gradLog !== undefined;
  const psiR = wantGrad ? digamma(r) : 0;
  const psiAb = wantGrad ? digamma(a + b) : 0;
  const psiB = wantGrad ? digamma(b) : 0;
  for (let k = 0; k < K; k++) {
    const x = xValues[k]!;
    // ln B keeps A2 accurate when a is small next to b + x (no large lnΓ cancellation).
    c12[k] = gammaln(r + x) - gR + r * lnAlpha + betaln(a, b + x) - bAb;
    c4[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
    const w = xWeight[k]!;
    ll += w * c12[k]!;
    if (wantGrad) {
      const psiAbx = digamma(a + b + x);
      dR += w * (digamma(r + x) - psiR + lnAlpha);
      dA += w * (psiAb - psiAbx);
      dB += w * (psiAb + digamma(b + x) - psiB - psiAbx);
    }
  }
  let dAlpha = (r / alpha) * ws.totalWeight;
  const n = agg.size;
  const X = agg.x;
  const TX = agg.tx;
  const TT = agg.T;
  const W = agg.weight;
  for (let i = 0; i < n; i++) {
    const x = X[i]!;
    const w = W[i]!;
    const rx = r + x;
    const aT = alpha + TT[i]!;
    const l3 = Math.log(aT);
    const A3 = -rx * l3;
    if (x === 0) {
      ll += w * A3;
      if (wantGrad) {
        dR -= w * l3;
        dAlpha -= (w * rx) / aT;
      }
      continue;
    }
    const aTx = alpha + TX[i]!;
    const l4 = Math.log(aTx);
    const k = xIndex[i]!;
    const A4 = c4[k]! - rx * l4;
    // log-sum-exp of the "still alive at T" and "dropped out after t_x" branches.
    let lse: number;
    let w3: number;
    if (A3 >= A4) {
      const e = Math.exp(A4 - A3);
      lse = A3 + Math.log1p(e);
      w3 = 1 / (1 + e);
    } else {
      const e = Math.exp(A3 - A4);
      lse = A4 + Math.log1p(e);
      w3 = e / (1 + e);
    }
    ll += w * lse;
    if (wantGrad) {
      const w4 = 1 - w3;
      dR -= w * (w3 * l3 + w4 * l4);
      dAlpha -= w * rx * (w3 / aT + w4 / aTx);
      dA += (w * w4) / a;
      dB -= (w * w4) / (b + x - 1);
    }
  }
  if (gradLog) {
    // Chain rule to log-parameters: ∂/∂ln θ = θ ∂/∂θ.
    gradLog[0] = dR * r;
    gradLog[1] = dAlpha * alpha;
    gradLog[2] = dA * a;
    gradLog[3] = dB * b;
  }
  return ll;
}

/** Total BG/NBD log-likelihood of the data at the given parameters (FHL 2005 eq. 6). */
export function bgnbdLogLikelihood(params: BgNbdParams, data: RfmColumns | AggregatedRfm): number {
  return logLikelihoodWs(buildWorkspace(data, true), params);
}

/** Log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b). */
export function bgnbdLogLikelihoodGradient(
  params: BgNbdParams,
  data: RfmColumns | AggregatedRfm,
): { logLikelihood: number; gradientLog: Float64Array } {
  const g = new Float64Array(4);
  const ll = logLikelihoodWs(buildWorkspace(data, true), params, g);
  return { logLikelihood: ll, gradientLog: g };
}

/**
 * Maximum-likelihood fit of (r, α, a, b). Optimises over log-parameters (unconstrained) with
 * BFGS and the analytic gradient, falling back to Nelder–Mead with restarts if BFGS stalls.
 */
export function fitBgNbd(data: RfmColumns | AggregatedRfm, opts: BgNbdFitOptions = {}): BgNbdFit {
  const t0 = performance.now();
  const penalizer = opts.penalizer ?? 0;
  const ws = buildWorkspace(data, opts.aggregate ?? true);
  if (ws.totalWeight <= 0) throw new Error("BG/NBD: no customers to fit");
  const N = ws.totalWeight;
  const grad = new Float64Array(4);
  const objective = (v: Float64Array, g?: Float64Array): number => {
    const p = fromLogVector(v);
    const ll = logLikelihoodWs(ws, p, g ? grad : undefined);
    const th = toVector(p);
    let pen = 0;
    for (let j = 0; j < 4; j++) pen += th[j]! * th[j]!;
    if (g) {
      // d/d ln θ of λθ² is 2λθ².
      for (let j = 0; j < 4; j++) g[j] = -grad[j]! / N + 2 * penalizer * th[j]! * th[j]!;
    }
    return -ll / N + penalizer * pen;
  };
  const start = opts.initial ?? { r: 1, alpha: 1, a: 1, b: 1 };
  const x0 = toVector(start).map(Math.log);
  const res = minimize(objective, x0, { maxIter: opts.maxIter ?? 1000, gradTol: 1e-9 });
  const params = fromLogVector(res.x);
  for (const name of PARAM_NAMES) {
    if (!Number.isFinite(params[name])) throw new Error(`BG/NBD fit failed: ${name} = ${params[name]}`);
  }
  return {
    params,
    logLikelihood: logLikelihoodWs(ws, params),
    customers: N,
    uniqueRows: ws.agg.size,
    penalizer,
    iterations: res.iterations,
    converged: res.converged,
    optimizer: res.method,
    fitMs: performance.now() - t0,
  };
}

/**
 * P(alive at T | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x})
 * (Fader, Hardie & Lee 2008 note "Computing P(alive) using the BG/NBD model"; it is also the
 * denominator of FHL 2005 eq. 10). BG/NBD customers only drop out right after a repeat
 * purchase, so it is exactly 1 for x = 0.
 */
export function pAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx)) + Math.log(p.a / (p.b + x - 1));
  return expit(-logOdds);
}

/**
 * E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T+t] (FHL 2005 eq. 10).
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *     / [1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}]
 * The bracket over (a−1) is evaluated by `bgnbdOneMinusGOverB`, and 1/[...] is P(alive).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const z = t / (p.alpha + T + t);
  return (p.a + p.b + x - 1) * bgnbdOneMinusGOverB(p.r, p.a, p.b, x, z) * pAlive(p, x, tx, T);
}

/**
 * P(X(T, T+t) = 0 | x, t_x, T): no purchase in the next t. Dead customers never buy; a customer
 * alive at T has λ | data ~ Gamma(r+x, α+T) and does not buy in t with probability
 * E[e^{−λt}] = ((α+T)/(α+T+t))^{r+x}. Hence 1 − P(alive)·(1 − ((α+T)/(α+T+t))^{r+x}).
 * This is the churn probability over a horizon t.
 */
export function probabilityNoPurchase(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 1;
  // −expm1(·) is 1 − ((α+T)/(α+T+t))^{r+x} without cancellation for short horizons.
  const buy = -Math.expm1(-(p.r + x) * Math.log1p(t / (p.alpha + T)));
  return 1 - pAlive(p, x, tx, T) * buy;
}

/**
 * Unconditional E[X(t)] for a new customer (FHL 2005 eq. 9):
 *   (a+b−1)/(a−1) · [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))],
 * which is eq. 10 at x = 0, T = 0.
 */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  return (p.a + p.b - 1) * bgnbdOneMinusGOverB(p.r, p.a, p.b, 0, t / (p.alpha + t));
}
