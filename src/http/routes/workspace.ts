import { createRoute, z } from "@hono/zod-openapi";
import { workspaceSettingsPatchSchema } from "../../workspaces/settings.ts";
import { getWorkspace, updateWorkspaceSettings } from "../../workspaces/workspaces.ts";
import { workspaceView } from "../../workspaces/effective-settings.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const workspace = z
  .object({
    id: z.string(),
    name: z.string(),
    settings: z.record(z.string(), z.unknown()).describe("Every setting in effect, defaults filled in."),
    setByWorkspace: z.array(z.string()).describe('The settings the workspace set itself, as paths: "currency", "actions.taskTiers"; the rest are defaults.'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Workspace" });

export function registerWorkspaceRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/workspace",
      summary: "The caller's workspace and its settings",
      tags: ["workspace"],
      security: bearerSecurity,
      middleware: [requireRole("ingest", "marketer", "manager")] as const,
      responses: { 200: { description: "The workspace", content: { "application/json": { schema: workspace } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json(workspaceView(await getWorkspace(c.get("deps").database.db, c.get("principal").workspaceId)), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/v1/workspace/settings",
      summary: "Change settings: currency and rates, trusted providers, freshness, minimum confidence",
      tags: ["workspace"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { body: { required: true, content: { "application/json": { schema: workspaceSettingsPatchSchema } } } },
      responses: { 200: { description: "The workspace", content: { "application/json": { schema: workspace } } }, ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) =>
      c.json(workspaceView(await updateWorkspaceSettings(c.get("deps").database.db, { workspaceId: c.get("principal").workspaceId, patch: c.req.valid("json") })), 200),
  );
}
