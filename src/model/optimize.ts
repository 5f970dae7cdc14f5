/**
 * Unconstrained minimisers, written here because no small, maintained, typed npm package covers
 * them (the candidates, `fmin` and `optimization-js`, are tiny untyped projects).
 *
 * - BFGS with a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 *   Algorithms 6.1, 3.5 and 3.6) for smooth objectives with a gradient.
 * - Nelder–Mead with restarts (Lagarias et al. 1998 coefficients) as a derivative-free fallback.
 * - `minimize` chains them: BFGS, and if it stalls, Nelder–Mead from the best point, then BFGS
 *   again to polish.
 *
 * Objectives may return a non-finite value for points outside their domain; both methods treat
 * that as "worse than anything" and step back.
 */

/** f(x); when `grad` is given the objective also writes ∇f(x) into it. */
export type Objective = (x: Float64Array, grad?: Float64Array) => number;

export interface MinimizeOptions {
  /** Maximum BFGS iterations (default 1000). */
  maxIter?: number;
  /** Stop when ‖∇f‖∞ ≤ gradTol (default 1e-9). */
  gradTol?: number;
  /** Use a central-difference gradient instead of the objective's own. */
  numericGradient?: boolean;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  gradNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  method: string;
  message: string;
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Central-difference gradient; h scales with |x| so it works on log-parameters of any size. */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, out?: Float64Array): Float64Array {
  const g = out ?? new Float64Array(x.length);
  const xx = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]!));
    xx[i] = x[i]! + h;
    const fp = f(xx);
    xx[i] = x[i]! - h;
    const fm = f(xx);
    xx[i] = x[i]!;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Wraps an objective so that it provides a gradient one way or the other, and counts calls. */
function withGradient(fn: Objective, numeric: boolean): { f: Objective; count: () => number } {
  let n = 0;
  if (!numeric) {
    return {
      f: (x, g) => {
        n++;
        return fn(x, g);
      },
      count: () => n,
    };
  }
  const plain = (x: Float64Array): number => {
    n++;
    return fn(x);
  };
  return {
    f: (x, g) => {
      const v = plain(x);
      if (g) numericGradient(plain, x, g);
      return v;
    },
    count: () => n,
  };
}

/**
 * BFGS on the inverse Hessian (N&W Algorithm 6.1) with a strong-Wolfe line search.
 * The initial inverse Hessian is rescaled after the first step (N&W eq. 6.20).
 */
export function bfgs(fn: Objective, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const maxIter = opts.maxIter ?? 1000;
  const gradTol = opts.gradTol ?? 1e-9;
  const { f, count } = withGradient(fn, opts.numericGradient ?? false);
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx)) {
    return { x, f: fx, gradNorm: NaN, iterations: 0, evaluations: count(), converged: false, method: "bfgs", message: "objective not finite at the start" };
  }
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iter = 0;
  let message = "maximum iterations reached";
  let converged = false;
  let stalls = 0;
  for (; iter < maxIter; iter++) {
    if (infNorm(g) <= gradTol) {
      converged = true;
      message = "gradient below tolerance";
      break;
    }
    // p = −H g
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j]! * g[j]!;
      p[i] = v;
    }
    let slope = dot(p, g);
    if (!(slope < 0)) {
      // Not a descent direction (H lost positive definiteness): restart on steepest descent.
      H.fill(0);
      for (let i = 0; i < n; i++) {
        H[i * n + i] = 1;
        p[i] = -g[i]!;
      }
      slope = dot(p, g);
    }
    const ls = wolfeLineSearch(f, x, fx, g, p, slope);
    if (!ls) {
      if (stalls++ >= 1) {
        // Usually the objective's rounding floor: no step can decrease f measurably any more.
        // That is a converged fit if the gradient is already tiny.
        converged = infNorm(g) <= 100 * gradTol;
        message = converged ? "converged to rounding precision" : "line search failed";
        break;
      }
      H.fill(0);
      for (let i = 0; i < n; i++) H[i * n + i] = 1;
      continue;
    }
    stalls = 0;
    for (let i = 0; i < n; i++) {
      s[i] = ls.x[i]! - x[i]!;
      y[i] = ls.g[i]! - g[i]!;
    }
    const fPrev = fx;
    x = ls.x;
    g = ls.g;
    fx = ls.f;
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (iter === 0) {
        const scale = sy / dot(y, y);
        for (let i = 0; i < n * n; i++) H[i] = H[i]! * scale;
      }
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded (N&W eq. 6.17).
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j]! * y[j]!;
        Hy[i] = v;
      }
      const yHy = dot(y, Hy);
      const k = (1 + rho * yHy) * rho;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] = H[i * n + j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + k * s[i]! * s[j]!;
        }
      }
    }
    if (Math.abs(fPrev - fx) <= 1e-16 * Math.max(1, Math.abs(fx)) && infNorm(s) <= 1e-14 * Math.max(1, infNorm(x))) {
      converged = infNorm(g) <= Math.sqrt(gradTol);
      message = "no further progress";
      iter++;
      break;
    }
  }
  return { x, f: fx, gradNorm: infNorm(g), iterations: iter, evaluations: count(), converged, method: "bfgs", message };
}

interface LinePoint {
  x: Float64Array;
  f: number;
  g: Float64Array;
}

/**
 * Strong-Wolfe line search (N&W Algorithm 3.5 with zoom, Algorithm 3.6), c1 = 1e-4, c2 = 0.9.
 * Step lengths where the objective is not finite are treated as too long.
 */
function wolfeLineSearch(
  f: Objective,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  p: Float64Array,
  slope0: number,
): LinePoint | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x.length;
  const evalAt = (alpha: number): LinePoint & { slope: number } => {
    const xa = new Float64Array(n);
    for (let i = 0; i < n; i++) xa[i] = x[i]! + alpha * p[i]!;
    const ga = new Float64Array(n);
    const fa = f(xa, ga);
    return { x: xa, f: fa, g: ga, slope: dot(ga, p) };
  };
  const zoom = (
    lo: LinePoint & { slope: number; alpha: number },
    hi: { alpha: number; f: number; slope: number },
  ): LinePoint | null => {
    for (let k = 0; k < 60; k++) {
      // Cubic interpolation between lo and hi when both ends are finite, else bisection.
      let a = (lo.alpha + hi.alpha) / 2;
      if (Number.isFinite(hi.f) && Number.isFinite(hi.slope)) {
        const d1 = lo.slope + hi.slope - (3 * (lo.f - hi.f)) / (lo.alpha - hi.alpha);
        const sq = d1 * d1 - lo.slope * hi.slope;
        if (sq >= 0) {
          const d2 = Math.sign(hi.alpha - lo.alpha) * Math.sqrt(sq);
          const cand = hi.alpha - (hi.alpha - lo.alpha) * ((hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2));
          const lowB = Math.min(lo.alpha, hi.alpha);
          const width = Math.abs(hi.alpha - lo.alpha);
          // Keep the trial step well inside the bracket.
          if (Number.isFinite(cand) && cand > lowB + 0.1 * width && cand < lowB + 0.9 * width) a = cand;
        }
      }
      const pt = evalAt(a);
      if (!Number.isFinite(pt.f) || pt.f > f0 + c1 * a * slope0 || pt.f >= lo.f) {
        hi = { alpha: a, f: pt.f, slope: pt.slope };
      } else {
        if (Math.abs(pt.slope) <= -c2 * slope0) return pt;
        if (pt.slope * (hi.alpha - lo.alpha) >= 0) hi = { alpha: lo.alpha, f: lo.f, slope: lo.slope };
        lo = { ...pt, alpha: a };
      }
      if (Math.abs(hi.alpha - lo.alpha) < 1e-16 * Math.max(1, lo.alpha)) break;
    }
    // Bracket collapsed: accept lo if it decreased the objective at all.
    return lo.alpha > 0 && lo.f < f0 ? lo : null;
  };

  let prev: LinePoint & { slope: number; alpha: number } = { x, f: f0, g: g0, slope: slope0, alpha: 0 };
  let alpha = 1;
  for (let i = 0; i < 50; i++) {
    const pt = evalAt(alpha);
    if (!Number.isFinite(pt.f) || pt.f > f0 + c1 * alpha * slope0 || (i > 0 && pt.f >= prev.f)) {
      return zoom(prev, { alpha, f: pt.f, slope: pt.slope });
    }
    if (Math.abs(pt.slope) <= -c2 * slope0) return pt;
    if (pt.slope >= 0) return zoom({ ...pt, alpha }, { alpha: prev.alpha, f: prev.f, slope: prev.slope });
    prev = { ...pt, alpha };
    alpha *= 2;
  }
  return prev.alpha > 0 ? prev : null;
}

export interface NelderMeadOptions {
  maxIter?: number;
  /** Stop when the simplex's spread of f values is below this (default 1e-12). */
  fTol?: number;
  /** Stop when the simplex's diameter is below this (default 1e-10). */
  xTol?: number;
  /** Initial simplex edge (default 0.5 in each coordinate). */
  step?: number;
  /** Rebuild the simplex around the best point this many times (default 2). */
  restarts?: number;
}

/** Nelder–Mead with restarts; restarting defeats the method's known collapse onto a non-minimum. */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, opts: NelderMeadOptions = {}): MinimizeResult {
  const maxIter = opts.maxIter ?? 5000;
  const fTol = opts.fTol ?? 1e-12;
  const xTol = opts.xTol ?? 1e-10;
  const restarts = opts.restarts ?? 2;
  let evaluations = 0;
  const safeF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const n = x0.length;
  let best: Float64Array = Float64Array.from(x0);
  let bestF = safeF(best);
  let totalIter = 0;
  let converged = false;
  for (let round = 0; round <= restarts; round++) {
    const step = (opts.step ?? 0.5) / (round + 1);
    const pts: Float64Array[] = [best];
    const fs: number[] = [bestF];
    for (let i = 0; i < n; i++) {
      const v = Float64Array.from(best);
      v[i] = v[i]! + step;
      pts.push(v);
      fs.push(safeF(v));
    }
    converged = false;
    for (let it = 0; it < maxIter; it++, totalIter++) {
      const order = fs.map((_, i) => i).sort((i, j) => fs[i]! - fs[j]!);
      const sp = order.map((i) => pts[i]!);
      const sf = order.map((i) => fs[i]!);
      pts.splice(0, pts.length, ...sp);
      fs.splice(0, fs.length, ...sf);
      let diam = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) diam = Math.max(diam, Math.abs(pts[i]![j]! - pts[0]![j]!));
      if (Math.abs(fs[n]! - fs[0]!) <= fTol * Math.max(1, Math.abs(fs[0]!)) && diam <= xTol * Math.max(1, infNorm(pts[0]!))) {
        converged = true;
        break;
      }
      const centroid = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + pts[i]![j]! / n;
      const along = (t: number): Float64Array => {
        const v = new Float64Array(n);
        for (let j = 0; j < n; j++) v[j] = centroid[j]! + t * (pts[n]![j]! - centroid[j]!);
        return v;
      };
      const xr = along(-1);
      const fr = safeF(xr);
      if (fr < fs[0]!) {
        const xe = along(-2);
        const fe = safeF(xe);
        if (fe < fr) {
          pts[n] = xe;
          fs[n] = fe;
        } else {
          pts[n] = xr;
          fs[n] = fr;
        }
      } else if (fr < fs[n - 1]!) {
        pts[n] = xr;
        fs[n] = fr;
      } else {
        const outside = fr < fs[n]!;
        const xc = along(outside ? -0.5 : 0.5);
        const fc = safeF(xc);
        if (fc < (outside ? fr : fs[n]!)) {
          pts[n] = xc;
          fs[n] = fc;
        } else {
          // Shrink towards the best vertex.
          for (let i = 1; i <= n; i++) {
            const v = new Float64Array(n);
            for (let j = 0; j < n; j++) v[j] = pts[0]![j]! + 0.5 * (pts[i]![j]! - pts[0]![j]!);
            pts[i] = v;
            fs[i] = safeF(v);
          }
        }
      }
    }
    let bi = 0;
    for (let i = 1; i <= n; i++) if (fs[i]! < fs[bi]!) bi = i;
    best = pts[bi]!;
    bestF = fs[bi]!;
  }
  return {
    x: best,
    f: bestF,
    gradNorm: NaN,
    iterations: totalIter,
    evaluations,
    converged,
    method: "nelder-mead",
    message: converged ? "simplex converged" : "maximum iterations reached",
  };
}

/**
 * BFGS first; if it does not reach the gradient tolerance, Nelder–Mead with restarts from the
 * best point found, then BFGS again from there to polish.
 */
export function minimize(fn: Objective, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const first = bfgs(fn, x0, opts);
  if (first.converged) return first;
  const start = Number.isFinite(first.f) ? first.x : Float64Array.from(x0);
  const nm = nelderMead((x) => fn(x), start, { restarts: 3 });
  const polished = bfgs(fn, nm.x, opts);
  const best = polished.f <= nm.f || !Number.isFinite(nm.f) ? polished : nm;
  return {
    ...best,
    iterations: first.iterations + nm.iterations + polished.iterations,
    evaluations: first.evaluations + nm.evaluations + polished.evaluations,
    method: `bfgs → nelder-mead → ${best.method}`,
  };
}
