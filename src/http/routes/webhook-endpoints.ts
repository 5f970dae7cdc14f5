import { createRoute, z } from "@hono/zod-openapi";
import { webhookEventTypes } from "../../../db/actions-schema.ts";
import { deliveryListQuerySchema, getDelivery, listDeliveries, replayDelivery } from "../../webhooks/deliveries.ts";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  endpointCreateSchema,
  endpointPatchSchema,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from "../../webhooks/endpoints.ts";
import { secretRotationSchema } from "../../signals/webhook-sources.ts";
import { secretRotatedSchema } from "./webhook-sources.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const endpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "WebhookEndpoint" });
const delivery = z
  .object({ id: z.string(), endpointId: z.string(), eventType: z.string(), status: z.string(), attempts: z.number(), attemptLog: z.array(z.object({ attempt: z.number().int(), at: z.iso.datetime(), outcome: z.string(), responseCode: z.number().int().nullable(), latencyMs: z.number(), error: z.string().nullable() })) })
  .meta({ id: "Delivery" });
const endpointParams = z.object({ endpointId: z.string().min(1).max(100) });
const deliveryParams = z.object({ deliveryId: z.string().min(1).max(100) });

export function registerWebhookEndpointRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhook-endpoints",
      summary: "Register an endpoint for outbound events; its whsec_ secret is shown once",
      description: "The URL must resolve to public addresses unless the workspace's `actions.webhookAllowList` names them.",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { body: { required: true, content: { "application/json": { schema: endpointCreateSchema } } } },
      responses: {
        201: { description: "The endpoint and its secret", content: { "application/json": { schema: endpoint.extend({ secret: z.string() }) } } },
        ...problemResponses(400, 401, 403, 415, 422),
      },
    }),
    async (c) =>
      c.json(await createWebhookEndpoint(c.get("deps"), { workspaceId: c.get("principal").workspaceId, endpoint: c.req.valid("json") }), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhook-endpoints",
      summary: "Outbound endpoints (never their secrets)",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      responses: { 200: { description: "Endpoints", content: { "application/json": { schema: z.object({ webhookEndpoints: z.array(endpoint) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ webhookEndpoints: await listWebhookEndpoints(c.get("deps"), { workspaceId: c.get("principal").workspaceId }) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhook-endpoints/{endpointId}/rotate-secret",
      summary: "Give an endpoint a new secret; deliveries are signed with both for the overlap",
      description:
        "The new `whsec_` secret is shown once. Until `previousSecretValidUntil` every delivery's `webhook-signature` carries two signatures " +
        "(space-separated, as Standard Webhooks allows), one per secret, so the receiver can switch to the new secret when it is ready.",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: endpointParams, body: { required: false, content: { "application/json": { schema: secretRotationSchema } } } },
      responses: {
        200: { description: "The new secret", content: { "application/json": { schema: secretRotatedSchema } } },
        ...problemResponses(400, 401, 403, 404, 415, 422),
      },
    }),
    async (c) => {
      const body = secretRotationSchema.parse((c.req.valid("json") as unknown) ?? {});
      return c.json(await rotateWebhookEndpointSecret(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param"), ...body }), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhook-endpoints/{endpointId}",
      summary: "One outbound endpoint",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: endpointParams },
      responses: { 200: { description: "The endpoint", content: { "application/json": { schema: endpoint } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getWebhookEndpoint(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/v1/webhook-endpoints/{endpointId}",
      summary: "Change an endpoint's URL, events or description, or enable or disable it",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: endpointParams, body: { required: true, content: { "application/json": { schema: endpointPatchSchema } } } },
      responses: { 200: { description: "The endpoint", content: { "application/json": { schema: endpoint } } }, ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) =>
      c.json(
        await updateWebhookEndpoint(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param"), patch: c.req.valid("json") }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/webhook-endpoints/{endpointId}",
      summary: "Delete an endpoint; its pending deliveries fail",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: endpointParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await deleteWebhookEndpoint(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/deliveries",
      summary: "Outbound deliveries, newest first, each with every attempt (outcome, response code, latency)",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { query: deliveryListQuerySchema },
      responses: {
        200: { description: "One page", content: { "application/json": { schema: z.object({ deliveries: z.array(delivery), next: z.string().nullable() }) } } },
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => c.json(await listDeliveries(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("query") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/deliveries/{deliveryId}",
      summary: "One delivery with every attempt",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: deliveryParams },
      responses: { 200: { description: "The delivery", content: { "application/json": { schema: delivery } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getDelivery(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/deliveries/{deliveryId}/replay",
      summary: "Send a finished delivery again (same webhook-id and body), with a fresh retry budget",
      tags: ["webhooks"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: deliveryParams },
      responses: { 202: { description: "Queued again", content: { "application/json": { schema: delivery } } }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(await replayDelivery(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 202),
  );
}
