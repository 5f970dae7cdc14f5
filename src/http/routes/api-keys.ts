import { createRoute, z } from "@hono/zod-openapi";
import { apiKeyRoles } from "../../../db/schema.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../workspaces/api-keys.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const apiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(apiKeyRoles),
    prefix: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiKey" });

export function registerApiKeyRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/api-keys",
      summary: "Create an API key (shown once)",
      tags: ["access"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.strictObject({ name: z.string().trim().min(1).max(200), role: z.enum(apiKeyRoles) }) } },
        },
      },
      responses: {
        201: {
          description: "The key; store it now, it cannot be read again",
          content: { "application/json": { schema: z.object({ id: z.string(), name: z.string(), role: z.enum(apiKeyRoles), prefix: z.string(), key: z.string() }) } },
        },
        ...problemResponses(400, 401, 403, 415, 422),
      },
    }),
    async (c) => {
      const { id, name, role, prefix, key } = await createApiKey(c.get("deps").database.db, {
        workspaceId: c.get("principal").workspaceId,
        ...c.req.valid("json"),
      });
      return c.json({ id, name, role, prefix, key }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/api-keys",
      summary: "The workspace's API keys (never the keys themselves)",
      tags: ["access"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      responses: { 200: { description: "Keys", content: { "application/json": { schema: z.object({ apiKeys: z.array(apiKey) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ apiKeys: await listApiKeys(c.get("deps").database.db, c.get("principal").workspaceId) }, 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/api-keys/{keyId}",
      summary: "Revoke an API key; it stops working at once",
      tags: ["access"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params: z.object({ keyId: z.string().min(1).max(100) }) },
      responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      await revokeApiKey(deps.database.db, { workspaceId: c.get("principal").workspaceId, keyId: c.req.valid("param").keyId, now: deps.clock() });
      return c.body(null, 204);
    },
  );
}
