/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), the likelihood in the form of Fader &
 * Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005), eq. 22:
 *
 *   L = Γ(r+x) α^r β^s / Γ(r) · { 1 / ((α+T)^{r+x} (β+T)^s) + s/(r+s+x) · A₀ }
 *   α ≥ β: A₀ = F(α+t_x) − F(α+T),  F(y) = 2F1(r+s+x, s+1; r+s+x+1; (α−β)/y) / y^{r+s+x}
 *   α < β: the same with α and β swapped and s+1 replaced by r+x.
 *
 * While alive a customer buys at rate λ ~ Gamma(r, α) and dies at rate μ ~ Gamma(s, β), at any
 * time (BG/NBD's customers die only just after a purchase). Evaluated in log space: ln A₀ as
 * the log-difference of two logs, so neither underflows for large x.
 */
import { aggregateRfm, type AggregatedRfm } from "./aggregate.ts";
import type { RfmColumns } from "./bgnbd.ts";
import { minimize } from "./optimize.ts";
import { gammaln, hyp2f1, logAddExp } from "./special.ts";

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export interface ParetoNbdFit {
  params: ParetoNbdParams;
  logLikelihood: number;
  customers: number;
  /** Distinct (x, t_x, T) rows the likelihood was evaluated on. */
  uniqueRows: number;
  penalizer: number;
  iterations: number;
  converged: boolean;
  fitMs: number;
}

/** ln A₀ (−Infinity when t_x = T, where A₀ = 0). */
function logA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const [big, small, b] = alpha >= beta ? [alpha, beta, s + 1] : [beta, alpha, r + x];
  const logF = (y: number) => Math.log(hyp2f1(rsx, b, rsx + 1, (big - small) / y)) - rsx * Math.log(y);
  const l1 = logF(big + tx);
  const l2 = logF(big + T);
  if (!(l1 > l2)) return -Infinity;
  return l1 + Math.log1p(-Math.exp(l2 - l1));
}

/** ln L for one customer and the two terms of its braces (for P(alive)). */
function logLikelihoodTerms(p: ParetoNbdParams, x: number, tx: number, T: number): { ll: number; alive: number; dead: number } {
  const { r, alpha, s, beta } = p;
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const dead = Math.log(s) - Math.log(r + s + x) + logA0(p, x, tx, T);
  const ll = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta) + logAddExp(alive, dead);
  return { ll, alive, dead };
}

/**
 * The rows prepared for repeated likelihood evaluations. F(y) depends on a row only through
 * (x, t) with t = t_x or T, and on daily data far fewer (x, t) pairs than (x, t_x, T) rows
 * exist, so each evaluation computes F once per pair (and the x- and t-only terms once per
 * value); a row then costs a few additions.
 */
interface Workspace {
  agg: AggregatedRfm;
  N: number;
  xValues: Float64Array;
  tValues: Float64Array;
  pairX: Int32Array;
  pairT: Int32Array;
  rowX: Int32Array;
  rowTx: Int32Array;
  rowT: Int32Array;
  rowPairTx: Int32Array;
  rowPairT: Int32Array;
}

function indexOf(map: Map<number, number>, v: number): number {
  let k = map.get(v);
  if (k === undefined) {
    k = map.size;
    map.set(v, k);
  }
  return k;
}

function buildWorkspace(data: RfmColumns): Workspace {
  const agg = aggregateRfm(data.x, data.tx, data.T, data.weights);
  const xs = new Map<number, number>();
  const ts = new Map<number, number>();
  const pairs = new Map<number, number>();
  const pairX: number[] = [];
  const pairT: number[] = [];
  const n = agg.size;
  const ws = {
    rowX: new Int32Array(n),
    rowTx: new Int32Array(n),
    rowT: new Int32Array(n),
    rowPairTx: new Int32Array(n),
    rowPairT: new Int32Array(n),
  };
  const pairOf = (xi: number, ti: number) => {
    const key = xi * 4_194_304 + ti; // both indexes stay far below 2^22 on any real data
    let k = pairs.get(key);
    if (k === undefined) {
      k = pairs.size;
      pairs.set(key, k);
      pairX.push(xi);
      pairT.push(ti);
    }
    return k;
  };
  let N = 0;
  for (let i = 0; i < n; i++) {
    const xi = indexOf(xs, agg.x[i]!);
    const txi = indexOf(ts, agg.tx[i]!);
    const Ti = indexOf(ts, agg.T[i]!);
    ws.rowX[i] = xi;
    ws.rowTx[i] = txi;
    ws.rowT[i] = Ti;
    ws.rowPairTx[i] = pairOf(xi, txi);
    ws.rowPairT[i] = pairOf(xi, Ti);
    N += agg.weight[i]!;
  }
  return {
    agg,
    N,
    xValues: Float64Array.from(xs.keys()),
    tValues: Float64Array.from(ts.keys()),
    pairX: Int32Array.from(pairX),
    pairT: Int32Array.from(pairT),
    ...ws,
  };
}

/** Σ weight · ln L over the workspace's rows (the same sum as logLikelihoodTerms row by row). */
function workspaceLogLikelihood(ws: Workspace, p: ParetoNbdParams): number {
  const { r, alpha, s, beta } = p;
  const [big, small, bIsS] = alpha >= beta ? [alpha, beta, true] : [beta, alpha, false];
  const nx = ws.xValues.length;
  const nt = ws.tValues.length;
  const head = new Float64Array(nx);
  const deadConst = new Float64Array(nx);
  const common = r * Math.log(alpha) + s * Math.log(beta) - gammaln(r);
  for (let k = 0; k < nx; k++) {
    const x = ws.xValues[k]!;
    head[k] = gammaln(r + x) + common;
    deadConst[k] = Math.log(s) - Math.log(r + s + x);
  }
  const la = new Float64Array(nt);
  const lb = new Float64Array(nt);
  const lbig = new Float64Array(nt);
  for (let k = 0; k < nt; k++) {
    const t = ws.tValues[k]!;
    la[k] = Math.log(alpha + t);
    lb[k] = Math.log(beta + t);
    lbig[k] = bIsS ? la[k]! : lb[k]!;
  }
  const np = ws.pairX.length;
  const logF = new Float64Array(np);
  for (let k = 0; k < np; k++) {
    const x = ws.xValues[ws.pairX[k]!]!;
    const ti = ws.pairT[k]!;
    const rsx = r + s + x;
    const y = big + ws.tValues[ti]!;
    logF[k] = Math.log(hyp2f1(rsx, bIsS ? s + 1 : r + x, rsx + 1, (big - small) / y)) - rsx * lbig[ti]!;
  }
  const agg = ws.agg;
  let ll = 0;
  for (let i = 0; i < agg.size; i++) {
    const xi = ws.rowX[i]!;
    const Ti = ws.rowT[i]!;
    const x = ws.xValues[xi]!;
    const alive = -(r + x) * la[Ti]! - s * lb[Ti]!;
    const l1 = logF[ws.rowPairTx[i]!]!;
    const l2 = logF[ws.rowPairT[i]!]!;
    const dead = l1 > l2 ? deadConst[xi]! + l1 + Math.log1p(-Math.exp(l2 - l1)) : -Infinity;
    ll += agg.weight[i]! * (head[xi]! + logAddExp(alive, dead));
  }
  return ll;
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, data: RfmColumns): number {
  return workspaceLogLikelihood(buildWorkspace(data), p);
}

export interface ParetoNbdFitOptions {
  /** L2 penaliser, the same form as BG/NBD's (−LL/N + penalizer·(r² + α² + s² + β²)); default 0. */
  penalizer?: number;
  /** Starting point (default all ones). */
  initial?: ParetoNbdParams;
  maxIter?: number;
}

/**
 * Parameters are held (softly) below e^7 ≈ 1,100. When the data cannot tell customers' dropout
 * rates apart, the likelihood rises ever more slowly along s, β → ∞ with s/β fixed (one rate
 * for everyone); the optimiser would crawl up that ridge, each step dearer as 2F1's argument
 * nears 1. A bound there changes the likelihood by a negligible amount.
 */
const LOG_PARAM_MAX = 7;

/** Maximum likelihood over log-parameters (numeric gradient; the rows are aggregated first). */
export function fitParetoNbd(data: RfmColumns, opts: ParetoNbdFitOptions = {}): ParetoNbdFit {
  const t0 = performance.now();
  const ws = buildWorkspace(data);
  const N = ws.N;
  if (N <= 0) throw new Error("Pareto/NBD: no customers to fit");
  const penalizer = opts.penalizer ?? 0;
  const toParams = (v: Float64Array): ParetoNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), s: Math.exp(v[2]!), beta: Math.exp(v[3]!) });
  const objective = (v: Float64Array): number => {
    const p = toParams(v);
    const ll = workspaceLogLikelihood(ws, p);
    let pen = penalizer * (p.r * p.r + p.alpha * p.alpha + p.s * p.s + p.beta * p.beta);
    for (let j = 0; j < 4; j++) if (v[j]! > LOG_PARAM_MAX) pen += (v[j]! - LOG_PARAM_MAX) ** 2;
    return Number.isFinite(ll) ? -ll / N + pen : Infinity;
  };
  const start = opts.initial ?? { r: 1, alpha: 1, s: 1, beta: 1 };
  const res = minimize(objective, [start.r, start.alpha, start.s, start.beta].map(Math.log), {
    numericGradient: true,
    gradTol: 1e-7,
    maxIter: opts.maxIter ?? 1000,
  });
  const params = toParams(res.x);
  for (const [name, v] of Object.entries(params)) if (!Number.isFinite(v)) throw new Error(`Pareto/NBD fit failed: ${name} = ${v}`);
  return {
    params,
    logLikelihood: workspaceLogLikelihood(ws, params),
    customers: N,
    uniqueRows: ws.agg.size,
    penalizer,
    iterations: res.iterations,
    converged: res.converged,
    fitMs: performance.now() - t0,
  };
}

/** P(alive at T | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^{r+x} (β+T)^s · A₀) (FH 2005 note, eq. 18). */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { alive, dead } = logLikelihoodTerms(p, x, tx, T);
  return 1 / (1 + Math.exp(dead - alive));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] (FH 2005 note, eq. 27):
 *   (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive).
 */
export function paretoNbdConditionalExpectedPurchases(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const ratio = Math.log((beta + T) / (beta + T + t));
  // (1 − e^{(s−1)·ratio}) / (s − 1), finite at s = 1 (its limit is −ratio).
  const part = Math.abs(s - 1) < 1e-10 ? -ratio : -Math.expm1((s - 1) * ratio) / (s - 1);
  return (((r + x) * (beta + T)) / (alpha + T)) * part * paretoNbdPAlive(p, x, tx, T);
}

/**
 * P(X(T, T+t) = 0 | x, t_x, T): no purchase in the next t, the churn probability over a
 * horizon t. L(x, t_x, T+t) is the likelihood of the same purchases followed by none until
 * T+t, so the probability is L(x, t_x, T+t) / L(x, t_x, T); the factors outside the braces
 * cancel.
 */
export function paretoNbdProbabilityNoPurchase(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 1;
  const now = logLikelihoodTerms(p, x, tx, T);
  const later = logLikelihoodTerms(p, x, tx, T + t);
  return Math.min(1, Math.exp(later.ll - now.ll));
}
