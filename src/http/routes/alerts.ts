import { createRoute, z } from "@hono/zod-openapi";
import { alertListQuerySchema, alertTransitionSchema, getAlert, listAlerts, listCustomerScores, transitionAlert } from "../../alerts/alerts.ts";
import { resolveCustomerId } from "../../customers/customers.ts";
import { alertLabelSchema, labelAlert, rulePerformance, rulePerformanceQuerySchema } from "../../alerts/outcomes.ts";
import type { App } from "../app.ts";
import { readsFromReplica } from "../read-routing.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const alert = z.looseObject({ id: z.string(), customerId: z.string(), status: z.string(), severity: z.string(), score: z.number() }).meta({ id: "Alert" });
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
      responses: { 200: { description: "Performance", content: { "application/json": { schema: z.looseObject({ versions: z.array(z.looseObject({})) }) } } }, ...problemResponses(401, 403, 404) },
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
      responses: { 200: { description: "Scores", content: { "application/json": { schema: z.object({ scores: z.array(z.looseObject({})) }) } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      const workspaceId = c.get("principal").workspaceId;
      const customerId = await resolveCustomerId(deps.database.db, workspaceId, c.req.valid("param").customerId);
      return c.json({ scores: await listCustomerScores(deps, { workspaceId, customerId, limit: c.req.valid("query").limit }) }, 200);
    },
  );
}
