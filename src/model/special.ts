/**
 * Special functions the customer-base models need, all in log space where it matters.
 *
 * lnΓ, ln B and ψ come from @stdlib (ports of Cephes/Boost, accurate to a few ulps).
 * The Gauss hypergeometric 2F1 is only ever needed by BG/NBD in one combination
 * (FHL 2005 eq. 10 and eq. 9), so we evaluate that combination directly, see
 * `bgnbdOneMinusGOverB`, and keep a general `hyp2f1` for completeness.
 */
import stdGammaln from "@stdlib/math-base-special-gammaln";
import stdBetaln from "@stdlib/math-base-special-betaln";
import stdDigamma from "@stdlib/math-base-special-digamma";
import stdHyp2f1 from "@stdlib/math-base-special-hyp2f1";

/** ln Γ(x) for x > 0. */
export const gammaln: (x: number) => number = stdGammaln;
/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export const betaln: (a: number, b: number) => number = stdBetaln;
/** ψ(x) = d/dx ln Γ(x). */
export const digamma: (x: number) => number = stdDigamma;

/** ln(e^a + e^b) without overflow or underflow; −Infinity terms are neutral. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  // log1p keeps precision when one term is much smaller than the other.
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** ln Σ e^{v_i}, stable for huge positive or negative arguments. */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > m) m = v;
  }
  if (m === -Infinity || m === Infinity || Number.isNaN(m)) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i]! - m);
  return m + Math.log(s);
}

/** Logistic function 1 / (1 + e^{−v}), without overflow. */
export function expit(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Above this |z| the plain power series is slow; Cephes' transformations take over. */
const SERIES_Z_MAX = 0.9;
const SERIES_EPS = 1e-16;

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1.
 * Power series for |z| ≤ 0.9 (fast, exact to rounding), @stdlib's Cephes port (which applies
 * the 1 − z and 1/z linear transformations, including the degenerate integer cases) elsewhere.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  if (Math.abs(z) <= SERIES_Z_MAX) {
    let term = 1;
    let sum = 1;
    for (let n = 0; n < 100000; n++) {
      term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
      sum += term;
      if (term === 0) return sum;
      // Tail is bounded by |term|·|z|/(1−|z|) once the term ratio settles below 1.
      if (n > 2 && Math.abs(term) <= SERIES_EPS * (1 - Math.abs(z)) * Math.abs(sum)) return sum;
    }
    return sum;
  }
  return stdHyp2f1(a, b, c, z);
}

/**
 * The hypergeometric piece of the BG/NBD conditional expectation (FHL 2005 eq. 10), computed
 * without cancellation or overflow.
 *
 * Eq. 10 contains G = ((α+T)/(α+T+t))^{r+x} · 2F1(r+x, b+x; a+b+x−1; z), z = t/(α+T+t), and the
 * expectation is (a+b+x−1)/(a−1) · (1 − G) / D. Since (α+T)/(α+T+t) = 1 − z, Euler's
 * transformation 2F1(A,B;C;z) = (1−z)^{C−A−B} 2F1(C−A, C−B; C; z) gives
 *   G = (1−z)^{a−1} · F,   F = 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * whose terms decay much faster than the original series and never overflow for large x.
 * With β = a − 1, (1 − G)/β = −expm1(β·ln(1−z))/β − (1−z)^β · (F − 1)/β, and (F − 1)/β is a
 * series without the factor β, so the result is finite and accurate at a = 1 as well.
 *
 * Returns (1 − G)/(a − 1). The unconditional E[X(t)] (eq. 9) is the same with x = 0, T = 0.
 */
export function bgnbdOneMinusGOverB(r: number, a: number, b: number, x: number, z: number): number {
  if (z <= 0) return 0;
  const A = a + b - 1 - r;
  const beta = a - 1;
  const C = a + b + x - 1;
  const L = Math.log1p(-z);
  const bl = beta * L;
  const first = Math.abs(bl) < 1e-8 ? -L * (1 + bl / 2) : -Math.expm1(bl) / beta;
  let series: number;
  if (z <= SERIES_Z_MAX || Math.abs(beta) < 1e-3) {
    series = fOverBetaSeries(A, beta, C, z);
  } else {
    series = (stdHyp2f1(A, beta, C, z) - 1) / beta;
  }
  return first - Math.exp(bl) * series;
}

/** Σ_{n≥1} (A)_n (β+1)_{n−1} z^n / ((C)_n n!) = (2F1(A, β; C; z) − 1)/β. */
function fOverBetaSeries(A: number, beta: number, C: number, z: number): number {
  let term = (A / C) * z;
  let sum = term;
  const tol = SERIES_EPS * (1 - z);
  for (let n = 1; n < 5_000_000; n++) {
    term *= (((A + n) * (beta + n)) / ((C + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) <= tol * Math.abs(sum) || term === 0) break;
  }
  return sum;
}

/**
 * Several horizons at once: out[m] = (1 − G(z_m))/(a − 1) for each z_m in zs. The series
 * coefficients depend only on (A, β, C), so they are shared across horizons — this is what makes
 * CLV (one expectation per month) cheap. Horizons with z > 0.9 fall back to the single version.
 */
export function bgnbdOneMinusGOverBMulti(
  r: number,
  a: number,
  b: number,
  x: number,
  zs: Float64Array,
  out: Float64Array,
  count: number = zs.length,
): void {
  const A = a + b - 1 - r;
  const beta = a - 1;
  const C = a + b + x - 1;
  const pw = scratchPow(count);
  let coef = A / C; // coefficient of z^1 in (F − 1)/β
  let zMax = 0;
  for (let m = 0; m < count; m++) {
    const z = zs[m]!;
    // Horizons outside the fast range do not take part in the shared series.
    const zz = z > 0 && z <= SERIES_Z_MAX ? z : 0;
    pw[m] = zz;
    out[m] = coef * zz;
    if (zz > zMax) zMax = zz;
  }
  if (zMax > 0 && coef !== 0) {
    const tol = SERIES_EPS * (1 - zMax);
    for (let n = 1; n < 5_000_000; n++) {
      coef *= ((A + n) * (beta + n)) / ((C + n) * (n + 1));
      if (coef === 0) break; // terminating series (A or β a negative integer)
      let done = true;
      for (let m = 0; m < count; m++) {
        const p = pw[m]! * zs[m]!;
        pw[m] = p;
        const t = coef * p;
        const s = out[m]! + t;
        out[m] = s;
        if (Math.abs(t) > tol * Math.abs(s)) done = false;
      }
      if (done) break;
    }
  }
  for (let m = 0; m < count; m++) {
    const z = zs[m]!;
    if (z <= 0) {
      out[m] = 0;
    } else if (z > SERIES_Z_MAX) {
      out[m] = bgnbdOneMinusGOverB(r, a, b, x, z);
    } else {
      const L = Math.log1p(-z);
      const bl = beta * L;
      const first = Math.abs(bl) < 1e-8 ? -L * (1 + bl / 2) : -Math.expm1(bl) / beta;
      out[m] = first - Math.exp(bl) * out[m]!;
    }
  }
}

let powScratch = new Float64Array(64);
function scratchPow(n: number): Float64Array {
  if (powScratch.length < n) powScratch = new Float64Array(n);
  return powScratch;
}
