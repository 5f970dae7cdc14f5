// The learned risk model's part of GET /v1/model.
import { z } from "@hono/zod-openapi";
import { riskModelStatuses } from "../../../db/risk-model-schema.ts";

const reliabilityBin = z.object({
  count: z.number().int(),
  minPredicted: z.number(),
  maxPredicted: z.number(),
  meanPredicted: z.number(),
  observedRate: z.number(),
});

const probabilityReport = z
  .object({
    rows: z.number().int(),
    positives: z.number().int().meta({ description: "Customers who made no purchase in the horizon" }),
    auc: z.number().nullable(),
    brier: z.number(),
    ece: z.number().meta({ description: "Expected calibration error over 10 equal-count bins" }),
    reliability: z.array(reliabilityBin).meta({ description: "Per bin of predicted probability: mean prediction against the observed rate" }),
  })
  .meta({ id: "ProbabilityReport" });

const riskModelVersion = z
  .object({
    id: z.string(),
    version: z.number().int(),
    status: z.enum(riskModelStatuses),
    message: z.string().nullable(),
    fitId: z.string().nullable().meta({ description: "The purchase-model fit whose outputs are inputs" }),
    fittedAt: z.iso.datetime(),
    asOf: z.iso.datetime(),
    horizonDays: z.number().int(),
    inputs: z.array(z.string()).nullable(),
    coefficients: z.record(z.string(), z.number()).nullable().meta({ description: "Per input, on standardised values (log-odds per standard deviation)" }),
    report: z
      .object({
        trainRows: z.number().int(),
        calibrationRows: z.number().int(),
        dates: z.object({ train: z.array(z.string()), calibration: z.string(), validation: z.string() }),
        customersSampled: z.number().int(),
        validation: probabilityReport,
        purchaseModel: probabilityReport,
        withoutCompetitorInputs: z.union([probabilityReport, z.null()]),
        withRivalEvidence: z
          .object({ rows: z.number().int(), auc: z.number(), aucWithoutCompetitorInputs: z.number() })
          .nullable()
          .optional()
          .meta({ description: "Both models on the validation rows with any competitor evidence, where it can add anything; null with too few rows of either outcome" }),
        previousLive: z.object({ id: z.string(), version: z.number().int(), auc: z.number() }).nullable(),
        converged: z.boolean(),
        iterations: z.number().int(),
      })
      .nullable()
      .meta({ description: "Out of time: trained on the earlier dates, calibrated on the second last, validated on the last" }),
    fitMs: z.number().nullable(),
    alertBudgetPer1kPerWeek: z.number().nullable().meta({ description: "The workspace's alert budget (riskModel.alertBudgetPer1kPerWeek) when the version was fitted" }),
    alertThreshold: z
      .number()
      .nullable()
      .meta({ description: "The alert line the budget set: the lowest probability at which customers newly crossing it stay within the budget; rules read it as riskAlertThreshold" }),
    alertExpectedPer1kPerWeek: z.number().nullable().meta({ description: "Customers newly crossing the line per 1,000 a week on the fit's own as-of dates" }),
  })
  .meta({ id: "RiskModelVersion" });

export const riskModelOverviewSchema = z
  .object({
    scoring: z.enum(["learned", "purchase_model"]).meta({ description: "Which model the score's model part comes from" }),
    message: z.string(),
    liveVersion: z.number().int().nullable(),
    versions: z.array(riskModelVersion).meta({ description: "Newest first (the last 20)" }),
  })
  .meta({ id: "RiskModelOverview" });
