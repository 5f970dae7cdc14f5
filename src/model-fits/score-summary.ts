// Scoring customers with a stored fit: the library's scoreCustomers with the settings the fit
// ran with. Pure, shared by the workspace-wide pass and by the one-customer refresh.
import type { PurchaseSummary, ScoreColumns } from "../../db/queries/model.ts";
import type { ModelFit } from "../../db/schema.ts";
import { recalibratedChurn, scoreCustomers, type ChurnRecalibration, type GammaGammaParams, type PurchaseModel } from "../model/index.ts";

const DAYS_PER_WEEK = 7;
const EXPECTED_PURCHASES_DAYS = 90;

export type FitParams = { purchase: PurchaseModel; gammaGamma: GammaGammaParams | null; churnRecalibration: ChurnRecalibration | null };

/** The parameters a fitted row holds (the chosen purchase model's); null for a row that is not a usable fit. */
export function fitParams(fit: ModelFit): FitParams | null {
  if (fit.status !== "fitted") return null;
  const purchase = purchaseModelOf(fit);
  if (!purchase) return null;
  return { purchase, gammaGamma: usableGammaGamma(fit.p, fit.q, fit.gamma), churnRecalibration: fit.modelChoice?.churnRecalibration ?? null };
}

function purchaseModelOf(fit: ModelFit): PurchaseModel | null {
  const { r, alpha, a, b, s, beta } = fit;
  if (r === null || alpha === null) return null;
  if (fit.purchaseModel === "pareto_nbd") return s === null || beta === null ? null : { kind: "pareto_nbd", params: { r, alpha, s, beta } };
  return a === null || b === null ? null : { kind: "bgnbd", params: { r, alpha, a, b } };
}

/** Gamma-Gamma gives a mean order value only when q > 1; otherwise the CLV part is left out. */
export function usableGammaGamma(p: number | null, q: number | null, gamma: number | null): GammaGammaParams | null {
  return p !== null && q !== null && gamma !== null && q > 1 ? { p, q, gamma } : null;
}

/**
 * Churn probability over the fit's horizon (recalibrated with the fit's map), expected
 * purchases over 90 days (the column's name), and with a usable Gamma-Gamma part the expected
 * order value, CLV and value at risk (CLV × the recalibrated churn probability), all from the
 * fit's chosen purchase model. Every path that writes model values comes through here.
 */
export function scoreSummary(
  fit: Pick<ModelFit, "horizonDays" | "clvMonths" | "monthlyDiscountRate">,
  params: FitParams,
  summary: PurchaseSummary,
): ScoreColumns {
  // Any valid spend parameters keep scoreCustomers going; their outputs are dropped below.
  const gammaGamma = params.gammaGamma ?? { p: 1, q: 2, gamma: 1 };
  const main = scoreCustomers({ purchase: params.purchase, gammaGamma }, summary, {
    horizonWeeks: fit.horizonDays / DAYS_PER_WEEK,
    clvMonths: fit.clvMonths,
    monthlyDiscountRate: fit.monthlyDiscountRate,
  });
  const expected90 =
    fit.horizonDays === EXPECTED_PURCHASES_DAYS
      ? main.expectedPurchases
      : scoreCustomers({ purchase: params.purchase, gammaGamma }, summary, { horizonWeeks: EXPECTED_PURCHASES_DAYS / DAYS_PER_WEEK, clvMonths: 0 })
          .expectedPurchases;
  const withValue = params.gammaGamma !== null;
  const calibration = params.churnRecalibration;
  const churnProbability = calibration ? main.churnProbability.map((p) => recalibratedChurn(calibration, p)) : main.churnProbability;
  return {
    pAlive: main.pAlive,
    expectedPurchases90d: expected90,
    churnProbability,
    expectedOrderValue: withValue ? main.expectedOrderValue : null,
    clv: withValue ? main.clv : null,
    valueAtRisk: withValue ? main.clv.map((clv, i) => clv * churnProbability[i]!) : null,
  };
}
