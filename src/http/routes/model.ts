import { createRoute, z } from "@hono/zod-openapi";
import { modelFitStatuses } from "../../../db/schema.ts";
import { PURCHASE_MODELS } from "../../model/purchase-model.ts";
import { getModelOverview } from "../../model-fits/model-views.ts";
import { INLINE_FIT_MAX_CUSTOMERS, requestModelFit } from "../../model-fits/request-model-fit.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";
import { riskModelOverviewSchema } from "./risk-model-schema.ts";

const candidate = z.object({
  model: z.enum(PURCHASE_MODELS),
  params: z.record(z.string(), z.number()),
  calibrationLogLikelihood: z.number().meta({ description: "Fitted on the purchases up to the split" }),
  holdoutLogLikelihood: z.number().meta({ description: "Σ ln L(at the end) − ln L(at the split) over the customers who had bought by the split" }),
  converged: z.boolean(),
});

const modelChoice = z
  .object({
    chosen: z.enum(PURCHASE_MODELS),
    reason: z.string(),
    splitDay: z.string().nullable(),
    holdoutDays: z.number().int(),
    customers: z.number().int(),
    candidates: z.array(candidate).meta({ description: "Empty when the history before the split was too short to compare" }),
    churnRecalibration: z
      .object({
        kind: z.literal("platt"),
        a: z.number(),
        b: z.number(),
        holdoutDays: z.number().int(),
        customers: z.number().int(),
        churned: z.number().int(),
        eceBefore: z.number(),
        eceAfter: z.number(),
      })
      .nullable()
      .meta({ description: "σ(a·logit p + b) applied to the churn probability, learned on the split; ECE (10 equal-count bins) on it before and after" }),
    fitMs: z.number(),
  })
  .meta({ id: "ModelChoice" });

const modelFit = z
  .object({
    id: z.string(),
    period: z.string().meta({ description: "The UTC day the fit is for; one fit per workspace and day" }),
    status: z.enum(modelFitStatuses),
    message: z.string().nullable().meta({ description: "Why there is no usable fit, or what to know about this one" }),
    error: z.string().nullable(),
    fittedAt: z.iso.datetime(),
    asOf: z.iso.datetime().meta({ description: "Purchases up to this moment were used" }),
    data: z.object({ customers: z.number().int(), customersWithRepeat: z.number().int(), customersScored: z.number().int() }),
    bgnbd: z
      .object({
        r: z.number(),
        alpha: z.number(),
        a: z.number(),
        b: z.number(),
        logLikelihood: z.number().nullable(),
        iterations: z.number().int().nullable(),
        converged: z.boolean().nullable(),
      })
      .nullable()
      .meta({ description: "BG/NBD parameters, time in weeks, when the fit chose BG/NBD" }),
    purchaseModel: z.enum(PURCHASE_MODELS).meta({ description: "The purchase model the fit chose by holdout log-likelihood" }),
    paretoNbd: z
      .object({
        r: z.number(),
        alpha: z.number(),
        s: z.number(),
        beta: z.number(),
        logLikelihood: z.number().nullable(),
        iterations: z.number().int().nullable(),
        converged: z.boolean().nullable(),
      })
      .nullable()
      .meta({ description: "Pareto/NBD parameters, time in weeks, when the fit chose Pareto/NBD" }),
    choice: modelChoice.nullable().meta({ description: "How the purchase model was chosen; null for fits before the choice existed" }),
    gammaGamma: z
      .object({ p: z.number(), q: z.number(), gamma: z.number(), logLikelihood: z.number().nullable(), usable: z.boolean() })
      .nullable()
      .meta({ description: "Gamma-Gamma spend parameters in the workspace currency; usable when q > 1" }),
    settings: z.object({ horizonDays: z.number().int(), clvMonths: z.number().int(), monthlyDiscountRate: z.number(), penalizer: z.number() }),
    thresholds: z.object({ minCustomers: z.number().int(), minRepeatCustomers: z.number().int() }),
    fitMs: z.number().nullable(),
    runMs: z.number().nullable(),
  })
  .meta({ id: "ModelFit" });

const overview = z
  .object({
    status: z.enum([...modelFitStatuses, "not_fitted"]),
    message: z.string().nullable(),
    fit: modelFit.nullable().meta({ description: "The latest fit attempt" }),
    activeFit: modelFit.nullable().meta({ description: "The latest successful fit: customers' values come from it" }),
    settings: z.object({
      horizonDays: z.number().int(),
      clvMonths: z.number().int(),
      monthlyDiscountRate: z.number(),
      penalizer: z.number(),
      minCustomers: z.number().int(),
      minRepeatCustomers: z.number().int(),
    }),
    riskModel: riskModelOverviewSchema.meta({ description: "The learned risk model: versions with AUC, Brier, ECE and reliability, and whether it scores" }),
  })
  .meta({ id: "ModelOverview" });

export function registerModelRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/model",
      summary: "The workspace's churn and CLV model: latest fit, parameters, data size, thresholds",
      tags: ["model"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      responses: { 200: { description: "The model", content: { "application/json": { schema: overview } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json(await getModelOverview(c.get("deps").database.db, c.get("principal").workspaceId), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/model/fit",
      summary: "Fit the model on the workspace's purchases and score every customer",
      description:
        "Queues a fit and answers 202 with the job id; read GET /v1/model when it is done. While a fit is queued or running, " +
        "asking again returns the same job. With `wait=true` the fit runs while the request waits and the answer is the fit " +
        `(workspaces of up to ${INLINE_FIT_MAX_CUSTOMERS} customers). A fit made today from the same data is reused, not made again.`,
      tags: ["model"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: {
        query: z.object({
          wait: z
            .enum(["true", "false"])
            .optional()
            .transform((v) => v === "true")
            .meta({ description: "Fit now and answer with the fit (small workspaces)" }),
        }),
      },
      responses: {
        200: {
          description: "The fit (wait=true)",
          content: { "application/json": { schema: z.object({ reused: z.boolean(), fit: modelFit }) } },
        },
        202: {
          description: "Queued",
          content: { "application/json": { schema: z.object({ status: z.literal("queued"), jobId: z.string() }) } },
        },
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => {
      const result = await requestModelFit(c.get("deps"), { workspaceId: c.get("principal").workspaceId, wait: c.req.valid("query").wait });
      if (result.kind === "queued") return c.json({ status: "queued" as const, jobId: result.jobId }, 202);
      return c.json({ reused: result.outcome.reused, fit: result.fit }, 200);
    },
  );
}
