import { createRoute, z } from "@hono/zod-openapi";
import { alertEventSchema, alertListQuerySchema, alertTransitionSchema, getAlert, listAlerts, listCustomerScores, transitionAlert } from "../../alerts/alerts.ts";
import { resolveCustomerId } from "../../customers/customers.ts";
import { alertLabelSchema, labelAlert, rulePerformance, rulePerformanceQuerySchema } from "../../alerts/outcomes.ts";
import type { App } from "../app.ts";
import { readsFromReplica } from "../read-routing.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";
import { ratioSchema, scoreReasonSchema } from "../schemas.ts";

const alert = z
  .object({
    id: z.string(),
    customerId: z.string(),
    status: z.string().meta({ description: "open, acknowledged, snoozed or resolved" }),
    severity: z.string(),
    score: z.number(),
    tier: z.string().nullable(),
    valueAtRisk: z.number().nullable(),
    managerId: z.string().nullable(),
    reasons: z.array(scoreReasonSchema),
    ruleVersions: z.array(z.string()).meta({ description: "ruleId@version of every rule that matched" }),
    openedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    snoozedUntil: z.iso.datetime().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    cooldownUntil: z.iso.datetime().nullable(),
    holdout: z.boolean(),
    label: z.string().nullable(),
    campaigns: z
      .array(
        z.object({
          campaign: z.string(),
          status: z.enum(["enrolled", "pending", "paused", "unknown", "not_enrolled"]),
          arm: z.string().optional(),
          enrollmentStatus: z.string().optional(),
          note: z.string().optional(),
        }),
      )
      .meta({ description: "The campaigns the alert's rules asked for, and what became of each" }),
    events: z
      .array(alertEventSchema.extend({ at: z.iso.datetime() }))
      .optional()
      .meta({ description: "Every change, oldest first (one alert only)" }),
  })
  .meta({ id: "Alert" });
const count = z.number().int();
const performance = z
  .object({
    ruleId: z.string(),
    windowDays: z.number().int(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        alerts: count,
        heldOut: count,
        labels: z.object({ labeled: count, realRisk: count, falseAlarm: count, saved: count, lost: count }),
        precisionByLabel: ratioSchema,
        precisionByBehaviour: ratioSchema,
        saveRate: ratioSchema,
        valueSaved: z.number(),
        actingVersusHoldout: z.object({
          treated: z.object({ matured: count, stayed: count, rate: ratioSchema }),
          holdout: z.object({ matured: count, stayed: count, rate: ratioSchema }),
          difference: z
            .object({ difference: z.number(), low: z.number(), high: z.number() })
            .nullable()
            .meta({ description: "Treated minus holdout stay rate with its 95% interval; null until both have matured alerts" }),
        }),
      }),
    ),
  })
  .meta({ id: "RulePerformance" });
const score = z
  .object({
    id: z.number().int(),
    scoredAt: z.iso.datetime(),
    asOf: z.iso.datetime(),
    score: z.number(),
    rulePoints: z.number(),
    modelPoints: z.number(),
    tier: z.string().nullable(),
    reasons: z.array(scoreReasonSchema),
    shadowHits: z.array(scoreReasonSchema).meta({ description: "Rules in shadow mode that would have matched" }),
    model: z
      .object({
        churnProbability: z.number(),
        clv: z.number().nullable(),
        valueAtRisk: z.number().nullable(),
        risk: z
          .object({ probability: z.number(), version: z.number().int(), sentences: z.array(z.string()) })
          .nullable()
          .optional()
          .meta({ description: "The live learned risk model's probability and the inputs that raise it most; when present, it is the model part" }),
      })
      .nullable()
      .meta({ description: "The model values the score read (purchase model; learned risk model when live); null without a fit" }),
  })
  .meta({ id: "Score" });
const params = z.object({ alertId: z.string().min(1).max(100) });

export function registerAlertRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/alerts",
      summary: "Alerts, newest first; filter by status, severity, tier, manager, customer, rule and date",
      tags: ["alerts"],
      security: bearerSecurity,
      middleware: [requireRole("manager", "marketer"), readsFromReplica] as const,
      request: { query: alertListQuerySchema },
      responses: {
        200: { description: "One page", content: { "application/json": { schema: z.object({ alerts: z.array(alert), nextCursor: z.string().nullable() }) } } },
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => c.json(await listAlerts(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("query") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/alerts/{alertId}",
      summary: "One alert with its reasons and every change",
      tags: ["alerts"],
      security: bearerSecurity,
      middleware: [requireRole("manager", "marketer"), readsFromReplica] as const,
      request: { params },
      responses: { 200: { description: "The alert", content: { "application/json": { schema: alert } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getAlert(c.get("deps"), { workspaceId: c.get("principal").workspaceId, alertId: c.req.valid("param").alertId }), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/alerts/{alertId}/transitions",
      summary: "Acknowledge, snooze (until a date), resolve or reopen an alert",
      tags: ["alerts"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: alertTransitionSchema } } } },
      responses: { 200: { description: "The alert after the change", content: { "application/json": { schema: alert } } }, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const result = await transitionAlert(c.get("deps"), {
        workspaceId: principal.workspaceId,
        alertId: c.req.valid("param").alertId,
        actor: principal.keyId,
        change: c.req.valid("json"),
      });
      return c.json(result, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/alerts/{alertId}/label",
      summary: "Label an alert: real_risk, false_alarm, saved or lost",
      tags: ["alerts"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: alertLabelSchema } } } },
      responses: { 200: { description: "The alert", content: { "application/json": { schema: alert } } }, ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const deps = c.get("deps");
      const alertId = c.req.valid("param").alertId;
      await labelAlert(deps, { workspaceId: principal.workspaceId, alertId, actor: principal.keyId, ...c.req.valid("json") });
      return c.json(await getAlert(deps, { workspaceId: principal.workspaceId, alertId }), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/{ruleId}/performance",
      summary: "Per rule version: alerts, precision by label and by later behaviour, save rate, value saved, acting vs holdout",
      tags: ["rules"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager"), readsFromReplica] as const,
      request: { params: z.object({ ruleId: z.string().min(1).max(100) }), query: rulePerformanceQuerySchema },
      responses: { 200: { description: "Performance", content: { "application/json": { schema: performance } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) =>
      c.json(await rulePerformance(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ruleId: c.req.valid("param").ruleId, ...c.req.valid("query") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers/{customerId}/scores",
      summary: "A customer's risk scores with reasons, newest first",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("manager", "marketer"), readsFromReplica] as const,
      request: {
        params: z.object({ customerId: z.string().min(1).max(200) }),
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      },
      responses: { 200: { description: "Scores", content: { "application/json": { schema: z.object({ scores: z.array(score) }) } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      const workspaceId = c.get("principal").workspaceId;
      const customerId = await resolveCustomerId(deps.database.db, workspaceId, c.req.valid("param").customerId);
      return c.json({ scores: await listCustomerScores(deps, { workspaceId, customerId, limit: c.req.valid("query").limit }) }, 200);
    },
  );
}
