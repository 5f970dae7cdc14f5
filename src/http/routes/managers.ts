import { createRoute, z } from "@hono/zod-openapi";
import { createManager, getManager, listManagers, managerCreateSchema, managerPatchSchema, updateManager } from "../../managers/managers.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const manager = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    timezone: z.string(),
    locale: z.enum(["ko", "en"]).nullable().meta({ description: "The digest's language; null: the workspace's locale" }),
    digest: z.object({ frequency: z.enum(["daily", "weekly", "off"]), hour: z.number().int(), weekday: z.number().int(), sendWhenEmpty: z.boolean() }),
    capacity: z.number(),
    active: z.boolean(),
    openTasks: z.number(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Manager" });
const params = z.object({ managerId: z.string().min(1).max(200) });

export function registerManagerRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/managers",
      summary: "Add an account manager (id: the CRM's manager id, as customers' managerId names it)",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { body: { required: true, content: { "application/json": { schema: managerCreateSchema } } } },
      responses: { 201: { description: "The manager", content: { "application/json": { schema: manager } } }, ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => c.json(await createManager(c.get("deps"), { workspaceId: c.get("principal").workspaceId, manager: c.req.valid("json") }), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/managers",
      summary: "Account managers with their open task counts",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      responses: { 200: { description: "Managers", content: { "application/json": { schema: z.object({ managers: z.array(manager) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json({ managers: await listManagers(c.get("deps"), { workspaceId: c.get("principal").workspaceId }) }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/managers/{managerId}",
      summary: "One account manager",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params },
      responses: { 200: { description: "The manager", content: { "application/json": { schema: manager } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getManager(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/v1/managers/{managerId}",
      summary: "Change a manager's details, digest preferences, capacity, or deactivate them",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("admin")] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: managerPatchSchema } } } },
      responses: { 200: { description: "The manager", content: { "application/json": { schema: manager } } }, ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) =>
      c.json(await updateManager(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param"), patch: c.req.valid("json") }), 200),
  );
}
