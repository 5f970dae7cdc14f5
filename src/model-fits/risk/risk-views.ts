// What GET /v1/model shows of the learned risk model: which version scores (if any) and why,
// and every version kept, newest first, with its out-of-time report.
import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.ts";
import { riskModelVersions, type RiskModelStatus, type RiskModelVersion } from "../../../db/risk-model-schema.ts";

export const RISK_VERSIONS_SHOWN = 20;

export function riskVersionView(v: RiskModelVersion) {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    message: v.message,
    fitId: v.fitId,
    fittedAt: v.fittedAt.toISOString(),
    asOf: v.asOf.toISOString(),
    horizonDays: v.horizonDays,
    inputs: v.params?.inputs ?? null,
    coefficients: v.params ? Object.fromEntries(v.params.inputs.map((name, j) => [name, v.params!.coefficients[j]!])) : null,
    report: v.report,
    fitMs: v.fitMs,
    alertBudgetPer1kPerWeek: v.alertBudgetPer1kPerWeek,
    alertThreshold: v.alertThreshold,
    alertExpectedPer1kPerWeek: v.alertExpectedPer1kPerWeek,
  };
}

export type RiskModelOverview = {
  /** Which model the score's model part comes from. */
  scoring: "learned" | "purchase_model";
  message: string;
  liveVersion: number | null;
  versions: ReturnType<typeof riskVersionView>[];
};

export async function getRiskModelOverview(db: DbOrTx, workspaceId: string): Promise<RiskModelOverview> {
  const rows = await db
    .select()
    .from(riskModelVersions)
    .where(eq(riskModelVersions.workspaceId, workspaceId))
    .orderBy(desc(riskModelVersions.version))
    .limit(RISK_VERSIONS_SHOWN);
  const live = rows.find((r) => r.status === "live");
  const latest = rows[0];
  const message = live
    ? `The learned risk model (version ${live.version}) scores. ${live === latest ? (live.message ?? "") : `The latest version ${latest!.version} is ${latest!.status}: ${latest!.message ?? ""}`}`.trim()
    : latest
      ? `The purchase model scores. ${latest.message ?? ""}`.trim()
      : "The purchase model scores: the learned risk model is fitted after each purchase-model fit.";
  return { scoring: live ? "learned" : "purchase_model", message, liveVersion: live?.version ?? null, versions: rows.map(riskVersionView) };
}

export type { RiskModelStatus };
