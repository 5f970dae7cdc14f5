import { createRoute, z } from "@hono/zod-openapi";
import { campaignCreateSchema, campaignPatchSchema, campaignStats, createCampaign, getCampaign, listCampaigns, updateCampaign } from "../../campaigns/campaigns.ts";
import { listOptOuts, optOutSchema, recordOptOut, removeOptOut } from "../../campaigns/opt-outs.ts";
import { listCustomerEnrollments } from "../../campaigns/customer-enrollments.ts";
import { previewCampaign } from "../../campaigns/preview.ts";
import { resolveCustomerId } from "../../customers/customers.ts";
import { campaignChannels, campaignStatuses, enrollmentArms, enrollmentStatuses } from "../../../db/actions-schema.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

// A campaign as stored: what it was created with, defaults filled in.
const campaign = campaignCreateSchema
  .extend({
    id: z.string(),
    status: z.enum(campaignStatuses),
    tiers: z.array(z.string()),
    activeFrom: z.iso.datetime().nullable(),
    activeUntil: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Campaign" });
const count = z.number().int();
const byArm = <T extends z.ZodType>(value: T) => z.object({ treated: value, holdout: value });
const stats = z
  .object({
    campaignId: z.string(),
    slug: z.string(),
    attributionDays: count,
    enrolled: count,
    treated: count,
    holdout: count,
    dispatched: count,
    delivered: count,
    opened: count,
    clicked: count,
    converted: byArm(count).meta({ description: "Customers who bought within attributionDays of enrolling, per arm" }),
    conversionRate: byArm(z.number().nullable()),
    uplift: z
      .object({ estimate: z.number().nullable(), confidence: z.number(), low: z.number().nullable(), high: z.number().nullable() })
      .meta({ description: "Treated minus holdout conversion rate with its interval at `confidence`" }),
    revenue: z.object({
      treated: z.number(),
      holdout: z.number(),
      incremental: z.number().nullable().meta({ description: "Treated revenue beyond what the holdout's revenue per customer predicts" }),
    }),
  })
  .meta({ id: "CampaignStats" });
const message = z.object({ title: z.string().nullable(), body: z.string() });
const preview = z
  .object({
    campaign,
    customerId: z.string(),
    tier: z.string().nullable(),
    outcome: z.enum(["treated", "holdout", "suppressed", "skipped"]),
    reason: z
      .enum(["paused", "inactive", "not_triggered", "tier_not_targeted", "frequency_cap", "opted_out", "channel_cap"])
      .nullable()
      .meta({ description: "Why a skipped or suppressed customer would get nothing" }),
    message: message.extend({
      channel: z.enum(campaignChannels),
      advertising: z.boolean(),
      optOutRoute: z.string().nullable().meta({ description: "For advertising: the free opt-out route the message ends with" }),
    }),
    coupon: z.object({ code: z.string().nullable(), value: z.number(), kind: z.enum(["amount", "percent"]), expiresAt: z.iso.datetime() }).nullable(),
    timezone: z.string(),
    sendAt: z.iso.datetime(),
    quietHoursDeferred: z.boolean(),
  })
  .meta({ id: "CampaignPreview" });
const enrollment = z
  .object({
    id: z.string(),
    campaign: z.object({ id: z.string(), slug: z.string(), name: z.string(), channel: z.enum(campaignChannels) }),
    alertId: z.string().nullable(),
    ruleId: z.string().nullable(),
    arm: z.enum(enrollmentArms),
    status: z.enum(enrollmentStatuses),
    suppressedReason: z.string().nullable(),
    message: message.nullable(),
    enrolledAt: z.iso.datetime(),
    sendAt: z.iso.datetime().nullable(),
    dispatchedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Enrollment" });
const optOuts = z.object({ customerId: z.string(), optOuts: z.array(z.object({ channel: z.string(), at: z.string() })) }).meta({ id: "OptOuts" });
const params = z.object({ campaignId: z.string().min(1).max(100) });
const customerParams = z.object({ customerId: z.string().min(1).max(200) });

export function registerCampaignRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/campaigns",
      summary: "Create a retention campaign (rules name it by slug in actions.campaign)",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { body: { required: true, content: { "application/json": { schema: campaignCreateSchema } } } },
      responses: { 201: { description: "The campaign", content: { "application/json": { schema: campaign } } }, ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => c.json(await createCampaign(c.get("deps"), { workspaceId: c.get("principal").workspaceId, campaign: c.req.valid("json") }), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/campaigns",
      summary: "Retention campaigns",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      responses: { 200: { description: "Campaigns", content: { "application/json": { schema: z.object({ campaigns: z.array(campaign) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ campaigns: await listCampaigns(c.get("deps"), { workspaceId: c.get("principal").workspaceId }) }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/campaigns/{campaignId}",
      summary: "One campaign, by id or slug",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params },
      responses: { 200: { description: "The campaign", content: { "application/json": { schema: campaign } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getCampaign(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      summary: "Change a campaign (its slug and channel stay)",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: campaignPatchSchema } } } },
      responses: { 200: { description: "The campaign", content: { "application/json": { schema: campaign } } }, ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) =>
      c.json(await updateCampaign(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param"), patch: c.req.valid("json") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/campaigns/{campaignId}/stats",
      summary: "Enrolled, treated, holdout, delivered, opened, clicked, converted; conversion rates, uplift with a 95% interval, revenue",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params },
      responses: { 200: { description: "Stats", content: { "application/json": { schema: stats } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await campaignStats(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/campaigns/{campaignId}/preview",
      summary:
        "What the campaign would do for a customer now, writing nothing: the arm and the rendered message (Korean advertising rules and quiet hours applied), or why they would get nothing (paused, window, rule, tier, frequency cap, holdout, opt-out, channel cap)",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: {
        params,
        query: z.object({
          customerId: z.string().min(1).max(200),
          ruleId: z.string().min(1).max(100).optional().describe("As if this rule's alert asked; without it the campaign's triggering rules are not checked"),
        }),
      },
      responses: {
        200: { description: "The preview", content: { "application/json": { schema: preview } } },
        ...problemResponses(401, 403, 404, 422),
      },
    }),
    async (c) => c.json(await previewCampaign(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param"), ...c.req.valid("query") }), 200),
  );
  // A CRM may record opt-outs with an ingest key; opting a customer back in is a person's decision.
  for (const [method, summary, roles] of [
    ["post", "Record that a customer opts out of channels (honoured at once)", ["ingest", "marketer", "manager"]],
    ["delete", "Opt a customer back in to channels", ["marketer", "manager"]],
  ] as const) {
    app.openapi(
      createRoute({
        method,
        path: "/v1/customers/{customerId}/opt-outs",
        summary,
        tags: ["campaigns"],
        security: bearerSecurity,
        middleware: [requireRole(...roles)] as const,
        request: { params: customerParams, body: { required: true, content: { "application/json": { schema: optOutSchema } } } },
        responses: { 200: { description: "The customer's opt-outs", content: { "application/json": { schema: optOuts } } }, ...problemResponses(400, 401, 403, 404, 415, 422) },
      }),
      async (c) => {
        const deps = c.get("deps");
        const workspaceId = c.get("principal").workspaceId;
        const customerId = await resolveCustomerId(deps.database.db, workspaceId, c.req.valid("param").customerId);
        const fn = method === "post" ? recordOptOut : removeOptOut;
        return c.json(await fn(deps, { workspaceId, customerId, channels: c.req.valid("json").channels }), 200);
      },
    );
  }
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers/{customerId}/opt-outs",
      summary: "The channels a customer opted out of",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params: customerParams },
      responses: { 200: { description: "The customer's opt-outs", content: { "application/json": { schema: optOuts } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      const workspaceId = c.get("principal").workspaceId;
      const customerId = await resolveCustomerId(deps.database.db, workspaceId, c.req.valid("param").customerId);
      return c.json(await listOptOuts(deps, { workspaceId, customerId }), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/customers/{customerId}/enrollments",
      summary: "A customer's campaign enrollments, newest first: campaign, arm, what became of the message and what it said",
      tags: ["campaigns"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params: customerParams, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: {
        200: { description: "The customer's enrollments", content: { "application/json": { schema: z.object({ enrollments: z.array(enrollment) }) } } },
        ...problemResponses(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const workspaceId = c.get("principal").workspaceId;
      const customerId = await resolveCustomerId(deps.database.db, workspaceId, c.req.valid("param").customerId);
      return c.json(await listCustomerEnrollments(deps, { workspaceId, customerId, limit: c.req.valid("query").limit }), 200);
    },
  );
}
