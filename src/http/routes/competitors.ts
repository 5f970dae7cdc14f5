import { createRoute, z } from "@hono/zod-openapi";
import { competitorInputSchema, getCompetitor, listCompetitors, upsertCompetitor } from "../../competitors/competitors.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const competitor = z
  .object({
    id: z.string(),
    name: z.string(),
    apps: z.array(z.string()),
    categories: z.array(z.string()),
    autoRegistered: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Competitor" });
const view = <T extends { workspaceId: string }>({ workspaceId: _w, ...rest }: T) => rest;
const params = z.object({ competitorId: z.string().min(1).max(100) });

export function registerCompetitorRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/competitors",
      summary: "The workspace's competitor registry",
      tags: ["competitors"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      responses: { 200: { description: "Competitors", content: { "application/json": { schema: z.object({ competitors: z.array(competitor) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => {
      const rows = await listCompetitors(c.get("deps").database.db, c.get("principal").workspaceId);
      return c.json({ competitors: rows.map(view) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/competitors/{competitorId}",
      summary: "One competitor",
      tags: ["competitors"],
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params },
      responses: { 200: { description: "The competitor", content: { "application/json": { schema: competitor } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const row = await getCompetitor(c.get("deps").database.db, c.get("principal").workspaceId, c.req.valid("param").competitorId);
      return c.json(view(row), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/competitors/{competitorId}",
      summary: "Register or edit a competitor (name, apps, categories)",
      tags: ["competitors"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: competitorInputSchema } } } },
      responses: { 200: { description: "The competitor", content: { "application/json": { schema: competitor } } }, ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const row = await upsertCompetitor(c.get("deps").database.db, {
        workspaceId: c.get("principal").workspaceId,
        id: c.req.valid("param").competitorId,
        competitor: c.req.valid("json"),
      });
      return c.json(view(row), 200);
    },
  );
}
