// What the API shows of the model: the workspace's latest fit, and one customer's values
// (or, when there are none, why).
import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.ts";
import { customerModelScores, modelFits, type ModelFit, type ModelSettings } from "../../db/schema.ts";
import { modelSettingsOf } from "../workspaces/settings.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { getRiskModelOverview, type RiskModelOverview } from "./risk/risk-views.ts";

export function modelFitView(fit: ModelFit) {
  return {
    id: fit.id,
    period: fit.period,
    status: fit.status,
    message: fit.message,
    error: fit.error,
    fittedAt: fit.fittedAt.toISOString(),
    asOf: fit.asOf.toISOString(),
    data: { customers: fit.customers, customersWithRepeat: fit.customersWithRepeat, customersScored: fit.customersScored },
    purchaseModel: fit.purchaseModel,
    bgnbd:
      fit.purchaseModel !== "bgnbd" || fit.r === null || fit.alpha === null || fit.a === null || fit.b === null
        ? null
        : { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b, logLikelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged },
    paretoNbd:
      fit.purchaseModel !== "pareto_nbd" || fit.r === null || fit.alpha === null || fit.s === null || fit.beta === null
        ? null
        : { r: fit.r, alpha: fit.alpha, s: fit.s, beta: fit.beta, logLikelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged },
    choice: fit.modelChoice,
    gammaGamma:
      fit.p === null || fit.q === null || fit.gamma === null
        ? null
        : { p: fit.p, q: fit.q, gamma: fit.gamma, logLikelihood: fit.gammaGammaLogLikelihood, usable: fit.q > 1 },
    settings: { horizonDays: fit.horizonDays, clvMonths: fit.clvMonths, monthlyDiscountRate: fit.monthlyDiscountRate, penalizer: fit.penalizer },
    thresholds: { minCustomers: fit.minCustomers, minRepeatCustomers: fit.minRepeatCustomers },
    fitMs: fit.fitMs,
    runMs: fit.runMs,
  };
}
export type ModelFitView = ReturnType<typeof modelFitView>;

export type ModelOverview = {
  status: ModelFit["status"] | "not_fitted";
  message: string | null;
  /** The latest fit attempt. */
  fit: ModelFitView | null;
  /** The latest fit with status fitted: the one customers' values come from. */
  activeFit: ModelFitView | null;
  /** The settings the next fit will use, defaults filled in. */
  settings: ModelSettings;
  /** The learned risk model's versions and whether it scores. */
  riskModel: RiskModelOverview;
};

const notFitted = "The model has not been fitted for this workspace yet: POST /v1/model/fit, or wait for the weekly fit.";

async function latestFit(db: DbOrTx, workspaceId: string, fittedOnly = false): Promise<ModelFit | undefined> {
  const [row] = await db
    .select()
    .from(modelFits)
    .where(fittedOnly ? and(eq(modelFits.workspaceId, workspaceId), eq(modelFits.status, "fitted")) : eq(modelFits.workspaceId, workspaceId))
    .orderBy(desc(modelFits.fittedAt), desc(modelFits.id))
    .limit(1);
  return row;
}

export async function getModelOverview(db: DbOrTx, workspaceId: string): Promise<ModelOverview> {
  const { settings } = await getWorkspace(db, workspaceId);
  const latest = await latestFit(db, workspaceId);
  const active = latest?.status === "fitted" ? latest : latest && (await latestFit(db, workspaceId, true));
  return {
    status: latest?.status ?? "not_fitted",
    message: latest ? latest.message : notFitted,
    fit: latest ? modelFitView(latest) : null,
    activeFit: active ? modelFitView(active) : null,
    settings: modelSettingsOf(settings),
    riskModel: await getRiskModelOverview(db, workspaceId),
  };
}

export type CustomerModelView = {
  fitId: string;
  fittedAt: string | null;
  scoredAt: string;
  /** P(no purchase within horizonDays). */
  churnProbability: number;
  horizonDays: number | null;
  pAlive: number;
  expectedPurchases90d: number;
  /** In the workspace currency; null when the fit has no usable spend model. */
  expectedOrderValue: number | null;
  clv: number | null;
  valueAtRisk: number | null;
  /** The BG/NBD summary the values come from: repeat purchase days, and weeks (t_x, T). */
  summary: { x: number; tx: number; T: number; zbar: number };
};

/** A customer's model values, or null and the reason there are none. */
/** Why a customer has model values or not, as a code (the console words it in the viewer's language). */
export const customerModelStatuses = ["scored", "not_fitted", "no_purchase", "fit_failed", "no_usable_fit"] as const;
export type CustomerModelStatus = (typeof customerModelStatuses)[number];

export async function getCustomerModel(
  db: DbOrTx,
  workspaceId: string,
  customerId: string,
): Promise<{ model: CustomerModelView | null; modelStatus: CustomerModelStatus; modelReason: string | null }> {
  const [row] = await db
    .select({ score: customerModelScores, fittedAt: modelFits.fittedAt, horizonDays: modelFits.horizonDays })
    .from(customerModelScores)
    .leftJoin(modelFits, and(eq(modelFits.workspaceId, customerModelScores.workspaceId), eq(modelFits.id, customerModelScores.fitId)))
    .where(and(eq(customerModelScores.workspaceId, workspaceId), eq(customerModelScores.customerId, customerId)));
  if (row) {
    const s = row.score;
    return {
      model: {
        fitId: s.fitId,
        fittedAt: row.fittedAt?.toISOString() ?? null,
        scoredAt: s.scoredAt.toISOString(),
        churnProbability: s.churnProbability,
        horizonDays: row.horizonDays,
        pAlive: s.pAlive,
        expectedPurchases90d: s.expectedPurchases90d,
        expectedOrderValue: s.expectedOrderValue,
        clv: s.clv,
        valueAtRisk: s.valueAtRisk,
        summary: { x: s.x, tx: s.tX, T: s.t, zbar: s.zbar },
      },
      modelStatus: "scored",
      modelReason: null,
    };
  }
  const latest = await latestFit(db, workspaceId);
  if (!latest) return { model: null, modelStatus: "not_fitted", modelReason: notFitted };
  const fitted = latest.status === "fitted" ? latest : await latestFit(db, workspaceId, true);
  if (fitted) return { model: null, modelStatus: "no_purchase", modelReason: "The customer has no purchase the model can use yet." };
  if (latest.status === "failed") return { model: null, modelStatus: "fit_failed", modelReason: `The model's last fit failed: ${latest.error ?? "unknown error"}` };
  return { model: null, modelStatus: "no_usable_fit", modelReason: latest.message ?? "The model has no usable fit for this workspace yet." };
}
