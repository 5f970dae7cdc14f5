/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", Journal of Marketing Research 42(4); the model is from Colombo &
 * Jiang 1999).
 *
 * A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the
 * mean value of x transactions, z̄, has a likelihood that depends on (x, z̄) only. It is fitted on
 * customers with at least one repeat transaction; z̄ is the mean of the repeat transactions.
 */
import { minimize } from "./optimize.ts";
import { digamma, gammaln } from "./special.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  /** γ, the rate parameter of ν's gamma distribution (`v` in `lifetimes`). */
  gamma: number;
}

export interface SpendColumns {
  /** Number of repeat transactions. */
  x: ArrayLike<number>;
  /** Mean value of the repeat transactions. */
  zbar: ArrayLike<number>;
}

export interface GammaGammaFitOptions {
  /** L2 penaliser on (p, q, γ), −LL/N + penalizer·(p² + q² + γ²), as in `lifetimes`. */
  penalizer?: number;
  initial?: GammaGammaParams;
  maxIter?: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers used: x ≥ 1 and z̄ > 0 (a zero mean spend has no gamma likelihood). */
  customers: number;
  penalizer: number;
  iterations: number;
  converged: boolean;
  optimizer: string;
  fitMs: number;
}

interface Prepared {
  x: Float64Array;
  lnM: Float64Array;
  m: Float64Array;
  xIndex: Int32Array;
  xValues: Float64Array;
  /** Customers with each distinct x. */
  xWeight: Float64Array;
  n: number;
}

function prepare(data: SpendColumns): Prepared {
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i]!;
    const m = data.zbar[i]!;
    if (x >= 1 && m > 0 && Number.isFinite(m)) {
      xs.push(x);
      ms.push(m);
    }
  }
  const n = xs.length;
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms);
  const lnM = m.map(Math.log);
  const map = new Map<number, number>();
  const xIndex = new Int32Array(n);
  const vals: number[] = [];
  const wts: number[] = [];
  for (let i = 0; i < n; i++) {
    let k = map.get(x[i]!);
    if (k === undefined) {
      k = vals.length;
      map.set(x[i]!, k);
      vals.push(x[i]!);
      wts.push(0);
    }
    xIndex[i] = k;
    wts[k] = wts[k]! + 1;
  }
  return { x, lnM, m, xIndex, xValues: Float64Array.from(vals), xWeight: Float64Array.from(wts), n };
}

/**
 * Σ_i ln L_i with (FHL 2005 JMR, the density of z̄ implied by the Gamma-Gamma assumptions)
 *   ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄)
 * and optionally the gradient with respect to (ln p, ln q, ln γ).
 */
function logLikelihoodPrepared(d: Prepared, par: GammaGammaParams, gradLog?: Float64Array): number {
  const { p, q, gamma } = par;
  const K = d.xValues.length;
  const lnG = Math.log(gamma);
  const gq = gammaln(q);
  const psiQ = gradLog ? digamma(q) : 0;
  let ll = 0;
  let dp = 0;
  let dq = 0;
  let dg = 0;
  for (let k = 0; k < K; k++) {
    const x = d.xValues[k]!;
    const w = d.xWeight[k]!;
    const px = p * x;
    ll += w * (gammaln(px + q) - gammaln(px) - gq + q * lnG + px * Math.log(x));
    if (gradLog) {
      const psiPxq = digamma(px + q);
      dp += w * x * (psiPxq - digamma(px) + Math.log(x));
      dq += w * (psiPxq - psiQ + lnG);
      dg += (w * q) / gamma;
    }
  }
  for (let i = 0; i < d.n; i++) {
    const x = d.x[i]!;
    const px = p * x;
    const den = gamma + x * d.m[i]!;
    const lnDen = Math.log(den);
    ll += (px - 1) * d.lnM[i]! - (px + q) * lnDen;
    if (gradLog) {
      dp += x * (d.lnM[i]! - lnDen);
      dq -= lnDen;
      dg -= (px + q) / den;
    }
  }
  if (gradLog) {
    gradLog[0] = dp * p;
    gradLog[1] = dq * q;
    gradLog[2] = dg * gamma;
  }
  return ll;
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendColumns): number {
  return logLikelihoodPrepared(prepare(data), params);
}

/** Maximum-likelihood fit of (p, q, γ) over log-parameters with BFGS and the analytic gradient. */
export function fitGammaGamma(data: SpendColumns, opts: GammaGammaFitOptions = {}): GammaGammaFit {
  const t0 = performance.now();
  const penalizer = opts.penalizer ?? 0;
  const d = prepare(data);
  if (d.n === 0) throw new Error("Gamma-Gamma: no customer with a repeat purchase of positive value");
  const grad = new Float64Array(3);
  const objective = (v: Float64Array, g?: Float64Array): number => {
    const th = Float64Array.of(Math.exp(v[0]!), Math.exp(v[1]!), Math.exp(v[2]!));
    const ll = logLikelihoodPrepared(d, { p: th[0]!, q: th[1]!, gamma: th[2]! }, g ? grad : undefined);
    let pen = 0;
    for (let j = 0; j < 3; j++) {
      pen += th[j]! * th[j]!;
      // d/d ln θ of λθ² is 2λθ².
      if (g) g[j] = -grad[j]! / d.n + 2 * penalizer * th[j]! * th[j]!;
    }
    return -ll / d.n + penalizer * pen;
  };
  const start = opts.initial ?? { p: 1, q: 1, gamma: 1 };
  const res = minimize(objective, [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)], {
    maxIter: opts.maxIter ?? 1000,
    gradTol: 1e-9,
  });
  const params = { p: Math.exp(res.x[0]!), q: Math.exp(res.x[1]!), gamma: Math.exp(res.x[2]!) };
  if (!Number.isFinite(params.p) || !Number.isFinite(params.q) || !Number.isFinite(params.gamma)) {
    throw new Error(`Gamma-Gamma fit failed: ${JSON.stringify(params)}`);
  }
  return {
    params,
    logLikelihood: logLikelihoodPrepared(d, params),
    customers: d.n,
    penalizer,
    iterations: res.iterations,
    converged: res.converged,
    optimizer: res.method,
    fitMs: performance.now() - t0,
  };
}

/**
 * E[M | p, q, γ, x, z̄]: the customer's expected average transaction value, a weighted mean of the
 * population mean pγ/(q−1) and the customer's own z̄ (FHL 2005 JMR; `lifetimes`'
 * conditional_expected_average_profit):
 *   (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · z̄ = p(γ + x z̄)/(px + q − 1).
 * With x = 0 it is the population mean. Needs q > 1 for the mean to exist.
 */
export function expectedOrderValue(par: GammaGammaParams, x: number, zbar: number): number {
  const xz = x > 0 ? x * zbar : 0;
  return (par.p * (par.gamma + xz)) / (par.p * x + par.q - 1);
}
