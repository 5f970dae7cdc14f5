// The task lifecycle: open → in_progress → done (retained, lost, no_contact) or dismissed
// (with a reason); a task can be reassigned. Every change writes a task.updated event.
// Listing for a manager sorts by value at risk, then due date.
import { z } from "zod";
import { taskOutcomes, taskStatuses, type TaskAssignment, type TaskOutcome, type TaskStatus } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { requestDrain } from "../outbox/drain.ts";
import { writeEvent } from "../outbox/events.ts";

export const taskListQuerySchema = z.object({
  managerId: z.string().max(200).optional(),
  /** Absent: open and in-progress tasks. */
  status: z.enum(taskStatuses).optional(),
  overdue: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  customerId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const taskTransitionSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("start"), note: z.string().max(2000).optional() }),
  z.strictObject({ action: z.literal("complete"), outcome: z.enum(taskOutcomes), note: z.string().max(2000).optional() }),
  z.strictObject({ action: z.literal("dismiss"), reason: z.string().trim().min(1).max(2000) }),
  z.strictObject({ action: z.literal("reassign"), managerId: z.string().min(1).max(200) }),
]);

type Row = {
  id: string;
  alert_id: string;
  customer_id: string;
  manager_id: string | null;
  assignment: TaskAssignment;
  rule_id: string | null;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  dismiss_reason: string | null;
  severity: string;
  tier: string | null;
  value_at_risk: number | null;
  why: string[];
  play: string;
  due_at: Date;
  escalated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const taskView = (r: Row, now: Date) => ({
  id: r.id,
  alertId: r.alert_id,
  customerId: r.customer_id,
  managerId: r.manager_id,
  assignment: r.assignment,
  ruleId: r.rule_id,
  status: r.status,
  outcome: r.outcome,
  dismissReason: r.dismiss_reason,
  severity: r.severity,
  tier: r.tier,
  valueAtRisk: r.value_at_risk,
  why: r.why,
  play: r.play,
  dueAt: r.due_at.toISOString(),
  overdue: (r.status === "open" || r.status === "in_progress") && r.due_at < now,
  escalated: r.escalated_at !== null,
  escalatedAt: iso(r.escalated_at),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  closedAt: iso(r.closed_at),
});

/** The body of task.created / task.updated events. */
export function taskEventData(t: {
  id: string;
  alertId: string;
  customerId: string;
  managerId: string | null;
  status: string;
  severity: string;
  valueAtRisk: number | null;
  dueAt: Date;
  why?: string[];
  play?: string;
  change?: Record<string, unknown>;
}) {
  return { taskId: t.id, alertId: t.alertId, customerId: t.customerId, managerId: t.managerId, status: t.status, severity: t.severity, valueAtRisk: t.valueAtRisk, dueAt: t.dueAt.toISOString(), ...(t.why ? { why: t.why } : {}), ...(t.play ? { play: t.play } : {}), ...(t.change ? { change: t.change } : {}) };
}

export async function listTasks(deps: Deps, input: { workspaceId: string } & z.infer<typeof taskListQuerySchema>) {
  const sql = deps.database.sql;
  const now = deps.clock();
  const rows = await sql<Row[]>`
    select * from tasks where workspace_id = ${input.workspaceId}
      ${input.managerId ? sql`and manager_id = ${input.managerId}` : sql``}
      ${input.customerId ? sql`and customer_id = ${input.customerId}` : sql``}
      ${input.status ? sql`and status = ${input.status}` : sql`and status in ('open', 'in_progress')`}
      ${input.overdue === true ? sql`and due_at < ${now} and status in ('open', 'in_progress')` : sql``}
      ${input.overdue === false ? sql`and not (due_at < ${now} and status in ('open', 'in_progress'))` : sql``}
    order by value_at_risk desc nulls last, due_at asc, id
    limit ${input.limit}`;
  return rows.map((r) => taskView(r, now));
}

export async function getTask(deps: Deps, input: { workspaceId: string; taskId: string }) {
  const [row] = await deps.database.sql<Row[]>`select * from tasks where workspace_id = ${input.workspaceId} and id = ${input.taskId}`;
  if (!row) throw notFound("task", input.taskId);
  return taskView(row, deps.clock());
}

const allowed: Record<z.infer<typeof taskTransitionSchema>["action"], TaskStatus[]> = {
  start: ["open"],
  complete: ["open", "in_progress"],
  dismiss: ["open", "in_progress"],
  reassign: ["open", "in_progress"],
};

export async function transitionTask(deps: Deps, input: { workspaceId: string; taskId: string; actor: string; change: z.infer<typeof taskTransitionSchema> }) {
  const now = deps.clock();
  const c = input.change;
  await deps.database.sql.begin(async (tx) => {
    const [t] = await tx<Row[]>`select * from tasks where workspace_id = ${input.workspaceId} and id = ${input.taskId} for update`;
    if (!t) throw notFound("task", input.taskId);
    if (!allowed[c.action].includes(t.status)) throw new AppError("conflict", `cannot ${c.action} a task that is ${t.status}`);
    let status = t.status;
    let managerId = t.manager_id;
    if (c.action === "start") status = "in_progress";
    if (c.action === "complete") status = "done";
    if (c.action === "dismiss") status = "dismissed";
    if (c.action === "reassign") {
      const [m] = await tx`select id from managers where workspace_id = ${input.workspaceId} and id = ${c.managerId} and active`;
      if (!m) throw new AppError("validation_failed", `no active manager ${c.managerId}`, [{ path: "managerId", message: "unknown or inactive manager" }]);
      managerId = c.managerId;
    }
    const closed = status === "done" || status === "dismissed";
    await tx`
      update tasks set status = ${status}, manager_id = ${managerId},
        assignment = ${c.action === "reassign" ? "manual" : t.assignment},
        outcome = ${c.action === "complete" ? c.outcome : t.outcome},
        dismiss_reason = ${c.action === "dismiss" ? c.reason : t.dismiss_reason},
        closed_at = ${closed ? now : null}, updated_at = ${now}
      where workspace_id = ${input.workspaceId} and id = ${input.taskId}`;
    await writeEvent(tx, {
      workspaceId: input.workspaceId,
      key: `task.updated:${t.id}:${c.action}:${now.getTime()}`,
      type: "task.updated",
      at: now,
      alertId: t.alert_id,
      customerId: t.customer_id,
      data: taskEventData({
        id: t.id,
        alertId: t.alert_id,
        customerId: t.customer_id,
        managerId,
        status,
        severity: t.severity,
        valueAtRisk: t.value_at_risk,
        dueAt: t.due_at,
        change: { ...c, actor: input.actor },
      }),
    });
  });
  await requestDrain(deps);
  return getTask(deps, input);
}

/** Overdue open tasks get flagged once, with a task.updated event; set-based across workspaces. */
export async function escalateOverdueTasks(deps: Deps): Promise<number> {
  const now = deps.clock();
  return deps.database.sql.begin(async (tx) => {
    const rows = await tx<Row[]>`
      update tasks set escalated_at = ${now}, updated_at = ${now}
      where (workspace_id, id) in (
        select workspace_id, id from tasks
        where status in ('open', 'in_progress') and escalated_at is null and due_at < ${now}
        order by due_at limit 1000 for update skip locked)
      returning *`;
    for (const t of rows) {
      await writeEvent(tx, {
        workspaceId: (t as Row & { workspace_id: string }).workspace_id,
        key: `task.escalated:${t.id}`,
        type: "task.updated",
        at: now,
        alertId: t.alert_id,
        customerId: t.customer_id,
        data: taskEventData({
          id: t.id,
          alertId: t.alert_id,
          customerId: t.customer_id,
          managerId: t.manager_id,
          status: t.status,
          severity: t.severity,
          valueAtRisk: t.value_at_risk,
          dueAt: t.due_at,
          change: { action: "escalate", overdueSince: t.due_at.toISOString() },
        }),
      });
    }
    return rows.length;
  });
}
