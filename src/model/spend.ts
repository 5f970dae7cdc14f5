// The Gamma-Gamma spend fit as the service runs it, shared by workspace fits and `model
// evaluate`: the spend is scaled to mean 1 for the fit and γ scaled back (the model is
// scale-free: p and q do not change, γ scales with the currency). The L2 penaliser then means
// the same in every currency, and it keeps q finite when spend hardly varies between
// customers, where plain maximum likelihood drifts to q → ∞ and the optimiser takes minutes.
import { fitGammaGamma, gammaGammaLogLikelihood, type GammaGammaFit, type GammaGammaFitOptions } from "./gamma-gamma.ts";

/** Fits on spend scaled to mean 1 (over customers with x ≥ 1 and z̄ > 0); parameters and log-likelihood in the data's own currency. */
export function fitGammaGammaScaled(data: { x: ArrayLike<number>; zbar: ArrayLike<number> }, opts: GammaGammaFitOptions = {}): GammaGammaFit {
  const x = Float64Array.from(data.x);
  const zbar = Float64Array.from(data.zbar);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > 0 && zbar[i]! > 0) {
      sum += zbar[i]!;
      n++;
    }
  }
  const scale = n > 0 ? sum / n : 1;
  const scaled = fitGammaGamma({ x, zbar: zbar.map((z) => z / scale) }, opts);
  const params = { ...scaled.params, gamma: scaled.params.gamma * scale };
  return { ...scaled, params, logLikelihood: gammaGammaLogLikelihood(params, { x, zbar }) };
}
