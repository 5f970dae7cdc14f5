// Read models the console needs beside the resource routes: the overview and customer search.
import { createRoute, z } from "@hono/zod-openapi";
import { customerSearchQuerySchema, searchCustomers } from "../../customers/search.ts";
import { getOverview, overviewQuerySchema } from "../../overview/overview.ts";
import type { App } from "../app.ts";
import { readsFromReplica } from "../read-routing.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const overview = z
  .object({
    asOf: z.iso.datetime(),
    customers: z.number().int(),
    hasSignals: z.boolean(),
    liveRules: z.number().int(),
    openAlerts: z.record(z.string(), z.number().int()),
    alertsByStatus: z.array(z.object({ severity: z.string(), status: z.string(), count: z.number().int() })),
    alertsPerWeek: z.array(z.object({ week: z.iso.datetime(), count: z.number().int() })),
    tierMix: z.record(z.string(), z.number().int()),
  })
  .meta({ id: "Overview" });

const customerSummary = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    managerId: z.string().nullable(),
    tier: z.string().nullable(),
    score: z.number().nullable(),
    valueAtRisk: z.number().nullable(),
    churnProbability: z.number().nullable(),
  })
  .meta({ id: "CustomerSummary" });

export function registerOverviewRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/overview",
      summary: "The workspace at a glance: unresolved alerts by severity, alerts opened per week, tier mix, counts",
      tags: ["overview"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager"), readsFromReplica] as const,
      request: { query: overviewQuerySchema },
      responses: { 200: { description: "Overview", content: { "application/json": { schema: overview } } }, ...problemResponses(401, 403, 422) },
    }),
    async (c) => c.json(await getOverview(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("query") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers",
      summary: "Search customers by id, identity, name or email (or none: all), most value at risk first",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager"), readsFromReplica] as const,
      request: { query: customerSearchQuerySchema },
      responses: { 200: { description: "Customers", content: { "application/json": { schema: z.object({ customers: z.array(customerSummary) }) } } }, ...problemResponses(401, 403, 422) },
    }),
    async (c) => c.json(await searchCustomers(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("query") }), 200),
  );
}
