import { createRoute, z } from "@hono/zod-openapi";
import { auditDetailSchema, auditListQuerySchema, listAudit } from "../../audit/audit.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const entry = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    detail: auditDetailSchema,
  })
  .meta({ id: "AuditEntry" });

export function registerAuditRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/audit",
      summary: "Who changed what and when, newest first; filter by entity and action",
      tags: ["audit"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { query: auditListQuerySchema },
      responses: {
        200: { description: "One page", content: { "application/json": { schema: z.object({ entries: z.array(entry), nextCursor: z.string().nullable() }) } } },
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => c.json(await listAudit(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("query") }), 200),
  );
}
