import { createRoute, z } from "@hono/zod-openapi";
import {
  customerUpsertSchema,
  identitySchema,
  getCustomerProfile,
  listCustomerSignals,
  mergeCustomers,
  signalTimelineQuerySchema,
  upsertCustomer,
} from "../../customers/customers.ts";
import { customerTierHistory, tierHistoryQuerySchema } from "../../tiers/history.ts";
import { traceFactValueSchema } from "../../../rules/trace.ts";
import { signalDataSchema } from "../../signals/schema.ts";
import { customerModelStatuses } from "../../model-fits/model-views.ts";
import type { App } from "../app.ts";
import { readsFromReplica } from "../read-routing.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const customerParams = z.object({ customerId: z.string().min(1).max(200) });
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const tierParts = z.record(z.string(), z.number()).meta({ description: "The tier score's parts (recency, frequency, monetary…)" });
const customerModel = z
  .object({
    fitId: z.string(),
    fittedAt: z.iso.datetime().nullable(),
    scoredAt: z.iso.datetime(),
    churnProbability: z.number().meta({ description: "P(no purchase within horizonDays)" }),
    horizonDays: z.number().int().nullable(),
    pAlive: z.number(),
    expectedPurchases90d: z.number(),
    expectedOrderValue: z.number().nullable().meta({ description: "In the workspace currency; null when the fit has no usable spend model" }),
    clv: z.number().nullable(),
    valueAtRisk: z.number().nullable(),
    summary: z.object({ x: z.number(), tx: z.number(), T: z.number(), zbar: z.number() }).meta({ description: "The BG/NBD summary the values come from: repeat purchases, and weeks (t_x, T)" }),
  })
  .meta({ id: "CustomerModel" });
const profile = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    managerId: z.string().nullable(),
    timezone: z.string().nullable(),
    attributes: customerUpsertSchema.shape.attributes.unwrap(),
    lastSignalAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    identities: z.array(identitySchema.extend({ since: z.iso.datetime() })),
    tier: z.object({ tier: z.string(), since: z.iso.datetime(), score: z.number(), parts: tierParts, evaluatedAt: z.iso.datetime() }).nullable(),
    features: z
      .object({
        asOf: z.iso.datetime(),
        watermark: z.iso.datetime().nullable(),
        nextChangeAt: z.iso.datetime().nullable(),
        updatedAt: z.iso.datetime(),
        daysSinceLastPurchase: z.number().nullable(),
      })
      .catchall(traceFactValueSchema)
      .nullable()
      .meta({ description: "The customer's features by name (each described in GET /v1/rules/facts); null before the first refresh" }),
    featuresStale: z.boolean().meta({ description: "A signal arrived after the features were last refreshed" }),
    model: customerModel.nullable(),
    modelStatus: z.enum(customerModelStatuses).meta({ description: "scored, or why model is null, as a code" }),
    modelReason: z.string().nullable().meta({ description: "Why model is null, in words (English): no fit yet, the fit failed and why, no purchase" }),
  })
  .meta({ id: "CustomerProfile" });
const tierHistory = z
  .object({
    customerId: z.string(),
    asOf: z.iso.datetime(),
    tier: z.object({ tier: z.string(), since: z.iso.datetime(), score: z.number(), parts: tierParts, reason: z.string() }).nullable(),
    changes: z.array(z.object({ fromTier: z.string().nullable(), toTier: z.string(), score: z.number(), parts: tierParts, reason: z.string(), changedAt: z.iso.datetime() })),
  })
  .meta({ id: "TierHistory" });
const storedSignal = z
  .object({
    id: z.string(),
    type: z.string(),
    occurredAt: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    identity: z.object({ kind: z.string(), value: z.string() }).meta({ description: "The identity the signal was sent under" }),
    amount: z.number().nullable(),
    source: z.string().nullable(),
    confidence: z.number().nullable(),
    period: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }).nullable(),
    consentBasis: z.string().nullable(),
    data: signalDataSchema.meta({ description: "The signal's data as sent, by type (see the Signal schemas)" }),
  })
  .meta({ id: "StoredSignal" });
const signalTimeline = z.object({ customerId: z.string(), signals: z.array(storedSignal), nextCursor: z.string().nullable() });

export function registerCustomerRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/customers/{customerId}",
      summary: "Create or update a customer and attach identities",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("ingest", "manager")] as const,
      request: { params: customerParams, body: { required: true, content: { "application/json": { schema: customerUpsertSchema } } } },
      responses: { 200: json(profile, "The customer's profile"), ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => {
      const result = await upsertCustomer(c.get("deps"), {
        workspaceId: c.get("principal").workspaceId,
        customerId: c.req.valid("param").customerId,
        customer: c.req.valid("json"),
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers/{customerId}",
      summary: "A customer's profile, identities and features",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager"), readsFromReplica] as const,
      request: { params: customerParams },
      responses: { 200: json(profile, "The customer's profile"), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      const result = await getCustomerProfile(deps.database, c.get("principal").workspaceId, c.req.valid("param").customerId, deps.clock());
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers/{customerId}/tiers",
      summary: "A customer's tier changes with their reasons, newest first, and the tier in force at a moment",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager"), readsFromReplica] as const,
      request: { params: customerParams, query: tierHistoryQuerySchema },
      responses: { 200: json(tierHistory, "Tier history"), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(
        await customerTierHistory(c.get("deps"), { workspaceId: c.get("principal").workspaceId, customerId: c.req.valid("param").customerId, ...c.req.valid("query") }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers/{customerId}/signals",
      summary: "A customer's signal timeline, newest first",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager"), readsFromReplica] as const,
      request: { params: customerParams, query: signalTimelineQuerySchema },
      responses: { 200: json(signalTimeline, "One page of signals"), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const result = await listCustomerSignals(c.get("deps"), {
        workspaceId: c.get("principal").workspaceId,
        customerId: c.req.valid("param").customerId,
        ...c.req.valid("query"),
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/customers/{customerId}/merge",
      summary: "Merge another customer into this one; both histories are kept",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole("ingest", "manager")] as const,
      request: {
        params: customerParams,
        body: { required: true, content: { "application/json": { schema: z.strictObject({ sourceCustomerId: z.string().min(1).max(200) }) } } },
      },
      responses: { 200: json(profile, "The merged customer's profile"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const result = await mergeCustomers(c.get("deps"), {
        workspaceId: c.get("principal").workspaceId,
        targetId: c.req.valid("param").customerId,
        sourceId: c.req.valid("json").sourceCustomerId,
      });
      return c.json(result, 200);
    },
  );
}
