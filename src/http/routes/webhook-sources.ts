import { createRoute, z } from "@hono/zod-openapi";
import { parseSignalBatch } from "../../signals/batch.ts";
import { ingestSignals } from "../../signals/ingest.ts";
import { signalBatchResultSchema } from "../../signals/schema.ts";
import {
  createWebhookSource,
  listWebhookSources,
  revokeWebhookSource,
  rotateWebhookSourceSecret,
  secretRotationSchema,
  verifySignedRequest,
} from "../../signals/webhook-sources.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole, signatureSecurity } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const source = z
  .object({ id: z.string(), name: z.string(), createdAt: z.iso.datetime(), revokedAt: z.iso.datetime().nullable() })
  .meta({ id: "WebhookSource" });

/** A rotation's answer, for sources and endpoints alike. */
export const secretRotatedSchema = z
  .object({ id: z.string(), secret: z.string(), previousSecretValidUntil: z.iso.datetime() })
  .meta({ id: "SecretRotated" });

export function registerWebhookSourceRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhook-sources",
      summary: "Register a signing source; its whsec_ secret is shown once",
      tags: ["signals"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { body: { required: true, content: { "application/json": { schema: z.strictObject({ name: z.string().trim().min(1).max(200) }) } } } },
      responses: {
        201: {
          description: "The source, its secret and the URL to post signed signals to",
          content: { "application/json": { schema: z.object({ id: z.string(), name: z.string(), secret: z.string(), url: z.string() }) } },
        },
        ...problemResponses(400, 401, 403, 415, 422),
      },
    }),
    async (c) => {
      const workspaceId = c.get("principal").workspaceId;
      const row = await createWebhookSource(c.get("deps").database.db, { workspaceId, name: c.req.valid("json").name });
      return c.json({ id: row.id, name: row.name, secret: row.secret, url: `/v1/webhooks/${workspaceId}/${row.id}` }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/webhook-sources",
      summary: "Signing sources (never their secrets)",
      tags: ["signals"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      responses: { 200: { description: "Sources", content: { "application/json": { schema: z.object({ webhookSources: z.array(source) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ webhookSources: await listWebhookSources(c.get("deps").database.db, c.get("principal").workspaceId) }, 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/webhook-sources/{sourceId}",
      summary: "Revoke a signing source",
      tags: ["signals"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: z.object({ sourceId: z.string().min(1).max(100) }) },
      responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      await revokeWebhookSource(deps.database.db, { workspaceId: c.get("principal").workspaceId, sourceId: c.req.valid("param").sourceId, now: deps.clock() });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhook-sources/{sourceId}/rotate-secret",
      summary: "Give a signing source a new secret; the old one keeps verifying for the overlap",
      description: "The new `whsec_` secret is shown once. Pushes signed with either secret are accepted until `previousSecretValidUntil`.",
      tags: ["signals"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: {
        params: z.object({ sourceId: z.string().min(1).max(100) }),
        body: { required: false, content: { "application/json": { schema: secretRotationSchema } } },
      },
      responses: {
        200: { description: "The new secret", content: { "application/json": { schema: secretRotatedSchema } } },
        ...problemResponses(400, 401, 403, 404, 415, 422),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const body = secretRotationSchema.parse((c.req.valid("json") as unknown) ?? {});
      const rotated = await rotateWebhookSourceSecret(deps.database.db, {
        workspaceId: c.get("principal").workspaceId,
        sourceId: c.req.valid("param").sourceId,
        now: deps.clock(),
        ...body,
      });
      return c.json(rotated, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/webhooks/{workspaceId}/{sourceId}",
      summary: "Push signals signed by the Standard Webhooks scheme (no API key)",
      security: signatureSecurity,
      description:
        "Headers `webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 of `id.timestamp.body` with the source's `whsec_` secret. " +
        "A timestamp more than 5 minutes off is refused. The body is the same as POST /v1/signals.",
      tags: ["signals"],
      request: { params: z.object({ workspaceId: z.string().min(1).max(100), sourceId: z.string().min(1).max(100) }) },
      responses: {
        200: { description: "Per-item results, as for POST /v1/signals", content: { "application/json": { schema: signalBatchResultSchema } } },
        ...problemResponses(400, 401, 413, 415, 422),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const { workspaceId, sourceId } = c.req.valid("param");
      // The signature covers the exact bytes sent, so verify the raw body before parsing it.
      const rawBody = await c.req.text();
      const body = await verifySignedRequest(deps.database.db, { workspaceId, sourceId, headers: c.req.header(), rawBody, now: deps.clock() });
      const result = await ingestSignals(deps, { workspaceId, items: parseSignalBatch(body) });
      return c.json(result, 200);
    },
  );
}
