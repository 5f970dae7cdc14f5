/**
 * Synthetic customers drawn from the BG/NBD and Gamma-Gamma generative models, deterministic for
 * a seed. Used to benchmark fitting at scale and to check that a fit recovers known parameters.
 *
 * Per customer: λ ~ Gamma(r, rate α), p ~ Beta(a, b), ν ~ Gamma(q, rate γ). From the first
 * purchase at time 0, purchases follow a Poisson process with rate λ; after each repeat purchase
 * the customer drops out with probability p (FHL 2005 assumptions i–v). Each transaction value is
 * Gamma(p_GG, rate ν), so the mean of x of them is Gamma(p_GG·x, rate x·ν).
 */
import type { BgNbdParams } from "./bgnbd.ts";
import type { GammaGammaParams } from "./gamma-gamma.ts";

/** Small, fast, seedable PRNG (sfc32, seeded through splitmix32); doubles carry 53 random bits. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Uniform on (0, 1): safe to take the log of. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    // Marsaglia's polar method: two normals per accepted pair.
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  exponential(rate: number): number {
    return -Math.log(this.uniformOpen()) / rate;
  }

  /** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the U^{1/k} boost for shape < 1. */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * Math.pow(this.uniformOpen(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return (d * v) / rate;
      }
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    const y = this.gamma(b, 1);
    return x / (x + y);
  }
}

export interface SyntheticOptions {
  n: number;
  bgnbd: BgNbdParams;
  /** Draw z̄ too (zeros otherwise). */
  gammaGamma?: GammaGammaParams;
  seed?: number;
  /**
   * First purchases are spread uniformly over this many days (default 84, the 12-week cohort
   * window of the CDNOW data); T runs from the first purchase to `calibrationEndDay`.
   */
  cohortDays?: number;
  /** Calibration end as a day offset from the cohort start (default 272: Jan 1 → Sep 30 1997). */
  calibrationEndDay?: number;
  /** Report t_x at whole-day resolution, like real daily data (default true). */
  roundToDays?: boolean;
  /** Also simulate a holdout period of this many weeks after T (default 0). */
  holdoutWeeks?: number;
}

export interface SyntheticCustomers {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  /** Whether the simulated customer is still alive at T (ground truth for P(alive) checks). */
  alive: Uint8Array;
  /** Purchases in (T, T + holdoutWeeks] (zeros without a holdout). */
  holdoutX: Float64Array;
  /** Weeks from the first purchase to the last one in the holdout (rounded like tx; 0 without one). */
  holdoutTx: Float64Array;
}

export function simulateCustomers(opts: SyntheticOptions): SyntheticCustomers {
  const { n, bgnbd } = opts;
  const rng = new Rng(opts.seed ?? 1);
  const cohort = opts.cohortDays ?? 84;
  const calEnd = opts.calibrationEndDay ?? 272;
  const round = opts.roundToDays ?? true;
  if (!(cohort >= 1) || !(calEnd >= cohort - 1)) throw new Error("simulateCustomers: calibration must end after the cohort window");
  const out: SyntheticCustomers = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    zbar: new Float64Array(n),
    alive: new Uint8Array(n),
    holdoutX: new Float64Array(n),
    holdoutTx: new Float64Array(n),
  };
  const holdout = opts.holdoutWeeks ?? 0;
  const gg = opts.gammaGamma;
  for (let i = 0; i < n; i++) {
    const firstDay = Math.floor(rng.uniform() * cohort);
    const T = (calEnd - firstDay) / 7;
    const lambda = rng.gamma(bgnbd.r, bgnbd.alpha);
    const p = rng.beta(bgnbd.a, bgnbd.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    let alive = 1;
    let hx = 0;
    let htx = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (!(t <= T + holdout)) break;
      if (t <= T) {
        x++;
        tx = t;
      } else {
        hx++;
        htx = t;
      }
      if (rng.uniform() < p) {
        if (t <= T) alive = 0;
        break;
      }
    }
    out.holdoutX[i] = hx;
    out.holdoutTx[i] = round ? Math.floor(htx * 7) / 7 : htx;
    out.x[i] = x;
    out.tx[i] = round ? Math.floor(tx * 7) / 7 : tx;
    out.T[i] = T;
    out.alive[i] = alive;
    if (gg) {
      const nu = rng.gamma(gg.q, gg.gamma);
      out.zbar[i] = x > 0 ? rng.gamma(gg.p * x, nu * x) : 0;
    }
  }
  return out;
}
