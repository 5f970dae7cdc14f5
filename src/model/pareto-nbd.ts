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
import { aggregateRfm } from "./aggregate.ts";
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

export function paretoNbdLogLikelihood(p: ParetoNbdParams, data: RfmColumns): number {
  const agg = aggregateRfm(data.x, data.tx, data.T, data.weights);
  let ll = 0;
  for (let i = 0; i < agg.size; i++) ll += agg.weight[i]! * logLikelihoodTerms(p, agg.x[i]!, agg.tx[i]!, agg.T[i]!).ll;
  return ll;
}

/** Maximum likelihood over log-parameters (numeric gradient; the rows are aggregated first). */
export function fitParetoNbd(data: RfmColumns, opts: { initial?: ParetoNbdParams; maxIter?: number } = {}): ParetoNbdFit {
  const t0 = performance.now();
  const agg = aggregateRfm(data.x, data.tx, data.T, data.weights);
  let N = 0;
  for (let i = 0; i < agg.size; i++) N += agg.weight[i]!;
  if (N <= 0) throw new Error("Pareto/NBD: no customers to fit");
  const toParams = (v: Float64Array): ParetoNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), s: Math.exp(v[2]!), beta: Math.exp(v[3]!) });
  const objective = (v: Float64Array): number => {
    const p = toParams(v);
    let ll = 0;
    for (let i = 0; i < agg.size; i++) ll += agg.weight[i]! * logLikelihoodTerms(p, agg.x[i]!, agg.tx[i]!, agg.T[i]!).ll;
    return Number.isFinite(ll) ? -ll / N : Infinity;
  };
  const start = opts.initial ?? { r: 1, alpha: 1, s: 1, beta: 1 };
  const res = minimize(objective, [start.r, start.alpha, start.s, start.beta].map(Math.log), {
    numericGradient: true,
    gradTol: 1e-7,
    maxIter: opts.maxIter ?? 1000,
  });
  const params = toParams(res.x);
  return { params, logLikelihood: -res.f * N, customers: N, iterations: res.iterations, converged: res.converged, fitMs: performance.now() - t0 };
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
