import { createRoute, z } from "@hono/zod-openapi";
import { workspaceSettingsPatchSchema } from "../../workspaces/settings.ts";
import { tierNames } from "../../../db/scoring-schema.ts";
import { previewTierSettings } from "../../tiers/preview.ts";
import { tierSettingsPatchSchema, tierSettingsSchema } from "../../tiers/settings.ts";
import { getWorkspace, updateWorkspaceSettings } from "../../workspaces/workspaces.ts";
import { effectiveSettingsSchema, workspaceView } from "../../workspaces/effective-settings.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const workspace = z
  .object({
    id: z.string(),
    name: z.string(),
    settings: effectiveSettingsSchema.describe("Every setting in effect, defaults filled in."),
    setByWorkspace: z.array(z.string()).describe('The settings the workspace set itself, as paths: "currency", "actions.taskTiers"; the rest are defaults.'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Workspace" });

const tierCounts = z.object(Object.fromEntries(tierNames.map((t) => [t, z.number().int()])) as Record<(typeof tierNames)[number], z.ZodNumber>);
const tierPreview = z
  .object({
    asOf: z.iso.datetime(),
    customers: z.number().int().describe("Customers with features, the ones tiers are given to"),
    current: tierCounts.describe("Customers per tier they hold now (stored tiers; streaming evaluation never demotes between scheduled ones)"),
    untiered: z.number().int().describe("Customers with features but no tier yet"),
    proposed: tierCounts.describe("Customers per tier the proposed settings would give as of now"),
    moved: z.number().int().describe("Customers whose tier would differ from the one they hold now (the untiered included)"),
    settings: tierSettingsSchema.describe("The proposed settings in full: the workspace's, with the proposal applied"),
  })
  .meta({ id: "TierPreview" });

export function registerWorkspaceRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/tiers/preview",
      summary: "The tier distribution proposed tier settings would give on this workspace now, beside the current one; nothing is saved",
      tags: ["workspace"],
      security: bearerSecurity,
      // Who may change the tier settings may preview them.
      middleware: [requireRole("admin")] as const,
      request: { body: { required: true, content: { "application/json": { schema: tierSettingsPatchSchema } } } },
      responses: { 200: { description: "Customers per tier now and under the proposal", content: { "application/json": { schema: tierPreview } } }, ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => c.json(await previewTierSettings(c.get("deps"), { workspaceId: c.get("principal").workspaceId, proposal: c.req.valid("json") }), 200),
  );
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
