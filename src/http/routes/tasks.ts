import { createRoute, z } from "@hono/zod-openapi";
import { getTask, listTasks, taskListQuerySchema, taskTransitionSchema, transitionTask } from "../../tasks/tasks.ts";
import { taskAssignments, taskOutcomes, taskStatuses } from "../../../db/actions-schema.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const task = z
  .object({
    id: z.string(),
    alertId: z.string(),
    customerId: z.string(),
    managerId: z.string().nullable(),
    assignment: z.enum(taskAssignments).meta({ description: "How the manager was chosen: assigned (the customer's own manager), least_loaded, unassigned, or manual (reassigned by hand)" }),
    ruleId: z.string().nullable().meta({ description: "The rule whose alert asked for the task" }),
    status: z.enum(taskStatuses),
    outcome: z.enum(taskOutcomes).nullable(),
    dismissReason: z.string().nullable(),
    severity: z.string(),
    tier: z.string().nullable(),
    valueAtRisk: z.number().nullable(),
    why: z.array(z.string()).meta({ description: "The alert's reasons, in the workspace's language" }),
    play: z.string().meta({ description: "The suggested play for the rule and tier" }),
    dueAt: z.iso.datetime(),
    overdue: z.boolean(),
    escalated: z.boolean(),
    escalatedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
  })
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
