// Storage for the learned risk model: every fitted version with its validation report, kept.
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";
import { workspaces } from "./schema.ts";

/**
 * live: scores use it (one per workspace at most); shadow: fitted and reported beside the live
 * one, not scored; retired: was live; rejected: did not beat the purchase model out of time;
 * insufficient_data: too little history to fit or judge one; failed: the fit threw.
 */
export const riskModelStatuses = ["live", "shadow", "retired", "rejected", "insufficient_data", "failed"] as const;
export type RiskModelStatus = (typeof riskModelStatuses)[number];

/** What a version's parameters hold (src/model/risk): inputs by name, standardisation, coefficients, isotonic map. */
export type RiskModelParamsJson = {
  inputs: string[];
  standardizer: { mean: number[]; sd: number[] };
  intercept: number;
  coefficients: number[];
  calibration: { kind: "isotonic"; thresholds: number[]; values: number[] };
  l2: number;
};

export type ReliabilityBinJson = { count: number; minPredicted: number; maxPredicted: number; meanPredicted: number; observedRate: number };
export type ProbabilityReportJson = { rows: number; positives: number; auc: number; brier: number; ece: number; reliability: ReliabilityBinJson[] };

/** The out-of-time validation of a version. */
export type RiskModelReportJson = {
  trainRows: number;
  calibrationRows: number;
  /** As-of dates (ISO) of each role. */
  dates: { train: string[]; calibration: string; validation: string };
  customersSampled: number;
  /** The learned model on the validation date. */
  validation: ProbabilityReportJson;
  /** The purchase model's churn probability on the same rows. */
  purchaseModel: ProbabilityReportJson;
  /** The learned model without its competitor inputs, on the same rows (what competitor evidence adds). */
  withoutCompetitorInputs: ProbabilityReportJson | null;
  /** Both models' AUC on the validation rows with any competitor evidence (absent before it was reported; null with too few rows). */
  withRivalEvidence?: { rows: number; auc: number; aucWithoutCompetitorInputs: number } | null;
  /** The version that was live before, judged on the same rows (null when there was none). */
  previousLive: { id: string; version: number; auc: number } | null;
  converged: boolean;
  iterations: number;
};

export const riskModelVersions = pgTable(
  "risk_model_versions",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    /** 1, 2, … per workspace. */
    version: integer("version").notNull(),
    status: text("status").$type<RiskModelStatus>().notNull(),
    /** Why it is (or is not) live, in words. */
    message: text("message"),
    /** The purchase-model fit whose outputs it uses as inputs. */
    fitId: text("fit_id"),
    fittedAt: ts("fitted_at").notNull(),
    /** History up to this moment was used. */
    asOf: ts("as_of").notNull(),
    /** The outcome: no purchase in (t, t + horizonDays]. */
    horizonDays: integer("horizon_days").notNull(),
    params: jsonb("params").$type<RiskModelParamsJson>(),
    report: jsonb("report").$type<RiskModelReportJson>(),
    /** Validation AUC of the learned model and of the purchase model, for listing. */
    auc: doublePrecision("auc"),
    purchaseModelAuc: doublePrecision("purchase_model_auc"),
    fitMs: doublePrecision("fit_ms"),
    /** The workspace's alert budget at fit time, the line it set and the crossings expected at that line (per 1,000 customers a week). */
    alertBudgetPer1kPerWeek: doublePrecision("alert_budget_per_1k_per_week"),
    alertThreshold: doublePrecision("alert_threshold"),
    alertExpectedPer1kPerWeek: doublePrecision("alert_expected_per_1k_per_week"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("risk_model_versions_version_key").on(t.workspaceId, t.version),
    index("risk_model_versions_status_idx").on(t.workspaceId, t.status),
  ],
);

export type RiskModelVersion = typeof riskModelVersions.$inferSelect;
