import { createRoute, z } from "@hono/zod-openapi";
import { getTask, listTasks, taskListQuerySchema, taskTransitionSchema, transitionTask } from "../../tasks/tasks.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const task = z
  .looseObject({ id: z.string(), alertId: z.string(), customerId: z.string(), managerId: z.string().nullable(), status: z.string(), dueAt: z.string() })
  .meta({ id: "Task" });
const params = z.object({ taskId: z.string().min(1).max(100) });

export function registerTaskRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/tasks",
      summary: "Tasks (by default open and in progress), most value at risk first, then soonest due",
      tags: ["tasks"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { query: taskListQuerySchema },
      responses: { 200: { description: "Tasks", content: { "application/json": { schema: z.object({ tasks: z.array(task) }) } } }, ...problemResponses(401, 403, 422) },
    }),
    async (c) => c.json({ tasks: await listTasks(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("query") }) }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/tasks/{taskId}",
      summary: "One task: the customer, why, the suggested play and the due date",
      tags: ["tasks"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params },
      responses: { 200: { description: "The task", content: { "application/json": { schema: task } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getTask(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/tasks/{taskId}/transitions",
      summary: "Start, complete (retained, lost, no_contact), dismiss (with a reason) or reassign a task",
      tags: ["tasks"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: taskTransitionSchema } } } },
      responses: { 200: { description: "The task after the change", content: { "application/json": { schema: task } } }, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      return c.json(
        await transitionTask(c.get("deps"), { workspaceId: principal.workspaceId, ...c.req.valid("param"), actor: principal.keyId, change: c.req.valid("json") }),
        200,
      );
    },
  );
}
