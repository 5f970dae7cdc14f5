import { createRoute, z } from "@hono/zod-openapi";
import { latestDigest } from "../../digests/digests.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const digest = z
  .looseObject({ id: z.string(), managerId: z.string(), period: z.string(), content: z.looseObject({}), text: z.string(), html: z.string(), createdAt: z.string() })
  .meta({ id: "Digest" });

export function registerDigestRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/digests/{managerId}/latest",
      summary: "A manager's latest digest: open alerts and tasks ranked by value at risk, overdue first, what changed",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params: z.object({ managerId: z.string().min(1).max(200) }) },
      responses: { 200: { description: "The digest", content: { "application/json": { schema: digest } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await latestDigest(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
}
