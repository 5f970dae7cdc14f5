// Scoring customers with a stored fit: the library's scoreCustomers with the settings the fit
// ran with. Pure, shared by the workspace-wide pass and by the one-customer refresh.
import type { PurchaseSummary, ScoreColumns } from "../../db/queries/model.ts";
import type { ModelFit } from "../../db/schema.ts";
import { scoreCustomers, type BgNbdParams, type GammaGammaParams } from "../model/index.ts";

const DAYS_PER_WEEK = 7;
const EXPECTED_PURCHASES_DAYS = 90;

/** The parameters a fitted row holds; null for a row that is not a usable fit. */
export function fitParams(fit: ModelFit): { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams | null } | null {
  if (fit.status !== "fitted" || fit.r === null || fit.alpha === null || fit.a === null || fit.b === null) return null;
  const gammaGamma = usableGammaGamma(fit.p, fit.q, fit.gamma);
  return { bgnbd: { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b }, gammaGamma };
}

/** Gamma-Gamma gives a mean order value only when q > 1; otherwise the CLV part is left out. */
export function usableGammaGamma(p: number | null, q: number | null, gamma: number | null): GammaGammaParams | null {
  return p !== null && q !== null && gamma !== null && q > 1 ? { p, q, gamma } : null;
}

/**
 * Churn probability over the fit's horizon, expected purchases over 90 days (the column's
 * name), and with a usable Gamma-Gamma part the expected order value, CLV and value at risk.
 */
export function scoreSummary(
  fit: Pick<ModelFit, "horizonDays" | "clvMonths" | "monthlyDiscountRate">,
  params: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams | null },
  summary: PurchaseSummary,
): ScoreColumns {
  // Any valid spend parameters keep scoreCustomers going; their outputs are dropped below.
  const gammaGamma = params.gammaGamma ?? { p: 1, q: 2, gamma: 1 };
  const main = scoreCustomers({ bgnbd: params.bgnbd, gammaGamma }, summary, {
    horizonWeeks: fit.horizonDays / DAYS_PER_WEEK,
    clvMonths: fit.clvMonths,
    monthlyDiscountRate: fit.monthlyDiscountRate,
  });
  const expected90 =
    fit.horizonDays === EXPECTED_PURCHASES_DAYS
      ? main.expectedPurchases
      : scoreCustomers({ bgnbd: params.bgnbd, gammaGamma }, summary, { horizonWeeks: EXPECTED_PURCHASES_DAYS / DAYS_PER_WEEK, clvMonths: 0 })
          .expectedPurchases;
  const withValue = params.gammaGamma !== null;
  return {
    pAlive: main.pAlive,
    expectedPurchases90d: expected90,
    churnProbability: main.churnProbability,
    expectedOrderValue: withValue ? main.expectedOrderValue : null,
    clv: withValue ? main.clv : null,
    valueAtRisk: withValue ? main.valueAtRisk : null,
  };
}
