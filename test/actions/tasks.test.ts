import { describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { sweepActions } from "../../src/outbox/sweep.ts";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { count, raiseAlert } from "./support.ts";

const ctx = useTestContext();

const addManager = async (ws: TestWorkspace, body: Record<string, unknown>) => {
  const res = await ctx.request("/v1/managers", { key: ws.keys.admin, json: { email: `${String(body.id ?? "m")}@brand.test`, name: "M", ...body } });
  expect(res.status).toBe(201);
  return readJson(res);
};
const tasksOf = async (ws: TestWorkspace, query = "") => (await readJson(await ctx.request(`/v1/tasks${query}`, { key: ws.keys.manager }))).tasks;
const eventsOf = async (ws: TestWorkspace, kind: string) =>
  ctx.database.sql<{ payload: Record<string, unknown> }[]>`select payload from outbox where workspace_id = ${ws.id} and kind = ${kind} order by id`;

describe("tasks from alerts", () => {
  it("opens none for a Gold customer by default, and one once the value at risk reaches the threshold", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim", capacity: 10 });
    const alertId = await raiseAlert(ctx, ws, "vip");
    await ctx.database.sql`update alerts set tier = 'Gold', value_at_risk = 100000 where workspace_id = ${ws.id} and id = ${alertId}`;
    await drainOutbox(ctx);
    expect(await count(ctx, "tasks", ws.id)).toBe(0);
    await ctx.database.sql`update alerts set value_at_risk = 600000 where workspace_id = ${ws.id} and id = ${alertId}`;
    await ctx.database.sql`update outbox set processed_at = null where workspace_id = ${ws.id}`;
    await drainOutbox(ctx);
    expect(await count(ctx, "tasks", ws.id)).toBe(1);
  });

  it("gives the customer's own manager one task that says why, suggests a play and is due by the severity's SLA", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim", timezone: "Asia/Seoul", capacity: 10 });
    await addManager(ws, { id: "lee", capacity: 10 });
    const put = await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { managerId: "kim" } });
    expect(put.status).toBeLessThan(300);
    const alertId = await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    await ctx.database.sql`update outbox set processed_at = null where workspace_id = ${ws.id}`;
    await Promise.all([drainOutbox(ctx), drainOutbox(ctx)]);
    expect(await count(ctx, "tasks", ws.id)).toBe(1);
    const [task] = await tasksOf(ws, "?managerId=kim");
    expect(task).toMatchObject({ alertId, customerId: "vip", managerId: "kim", assignment: "assigned", status: "open", severity: "high", overdue: false });
    expect(task.dueAt).toBe(new Date(DEFAULT_NOW.getTime() + 24 * 3_600_000).toISOString());
    expect(task.why.join(" ")).toMatch(/경쟁사 앱 3개/);
    // The workspace's language (KRW, none chosen: Korean), like the reasons.
    expect(task.play).toMatch(/경쟁사/);
    const created = await eventsOf(ws, "task.created");
    expect(created).toHaveLength(1);
    expect(created[0]!.payload).toMatchObject({ taskId: task.id, managerId: "kim", alertId });
    expect((await readJson(await ctx.request("/v1/managers/kim", { key: ws.keys.manager }))).openTasks).toBe(1);
  });

  it("without an own manager, assigns the least-loaded manager with capacity, else leaves the task unassigned", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "a", capacity: 1 });
    await addManager(ws, { id: "b", capacity: 2 });
    await addManager(ws, { id: "c", capacity: 5, active: false });
    for (const id of ["c1", "c2", "c3", "c4"]) {
      await raiseAlert(ctx, ws, id);
      await drainOutbox(ctx);
    }
    const rows = await ctx.database.sql<{ customer_id: string; manager_id: string | null; assignment: string }[]>`
      select customer_id, manager_id, assignment from tasks where workspace_id = ${ws.id} order by customer_id`;
    expect(rows.map((r) => [r.customer_id, r.manager_id, r.assignment])).toEqual([
      ["c1", "a", "least_loaded"],
      ["c2", "b", "least_loaded"],
      ["c3", "b", "least_loaded"],
      ["c4", null, "unassigned"],
    ]);
  });

  it("walks the lifecycle with an event per change, and refuses what the state does not allow", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim" });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    const [task] = await tasksOf(ws);
    const move = (json: unknown) => ctx.request(`/v1/tasks/${task.id}/transitions`, { key: ws.keys.manager, json });
    expect((await readJson(await move({ action: "start" }))).status).toBe("in_progress");
    expect((await move({ action: "complete" })).status).toBe(422);
    const done = await readJson(await move({ action: "complete", outcome: "retained" }));
    expect(done).toMatchObject({ status: "done", outcome: "retained" });
    expect(done.closedAt).not.toBeNull();
    expect((await move({ action: "dismiss", reason: "dup" })).status).toBe(409);
    expect(await tasksOf(ws)).toEqual([]);
    expect((await tasksOf(ws, "?status=done")).map((t: { id: string }) => t.id)).toEqual([task.id]);
    const updates = await eventsOf(ws, "task.updated");
    expect(updates.map((u) => (u.payload.change as { action: string }).action)).toEqual(["start", "complete"]);
  });

  it("dismisses with a reason", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim" });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    const [task] = await tasksOf(ws);
    const res = await ctx.request(`/v1/tasks/${task.id}/transitions`, { key: ws.keys.manager, json: { action: "dismiss", reason: "already spoke to them" } });
    expect(await readJson(res)).toMatchObject({ status: "dismissed", dismissReason: "already spoke to them" });
  });

  it("escalates overdue tasks once, with a task.updated event", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim" });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    await sweepActions(ctx);
    expect((await tasksOf(ws))[0].escalated).toBe(false);
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 25 * 3_600_000));
    try {
      await sweepActions(ctx);
      await sweepActions(ctx);
      const [task] = await tasksOf(ws, "?overdue=true");
      expect(task).toMatchObject({ escalated: true, overdue: true });
      const escalations = (await eventsOf(ws, "task.updated")).filter((e) => (e.payload.change as { action: string }).action === "escalate");
      expect(escalations).toHaveLength(1);
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
  });

  it("lists a manager's tasks by value at risk, then due date", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim", capacity: 10 });
    for (const id of ["c1", "c2", "c3"]) {
      await raiseAlert(ctx, ws, id);
      await drainOutbox(ctx);
    }
    await ctx.database.sql`
      update tasks t set value_at_risk = v.var, due_at = v.due::timestamptz
      from (values ('c1', 100::float8, '2026-11-22T00:00:00Z'), ('c2', 500::float8, '2026-11-25T00:00:00Z'), ('c3', 100::float8, '2026-11-21T00:00:00Z')) as v(c, var, due)
      where t.workspace_id = ${ws.id} and t.customer_id = v.c`;
    expect((await tasksOf(ws, "?managerId=kim")).map((t: { customerId: string }) => t.customerId)).toEqual(["c2", "c3", "c1"]);
    expect(await tasksOf(ws, "?managerId=nobody")).toEqual([]);
  });

  it("manages managers: admin writes, managers read, ids are unique", async () => {
    const ws = await ctx.workspace();
    const m = await addManager(ws, { id: "kim", timezone: "America/New_York", digest: { frequency: "weekly", hour: 9, weekday: 1 } });
    expect(m).toMatchObject({ id: "kim", timezone: "America/New_York", digest: { frequency: "weekly", hour: 9, weekday: 1, sendWhenEmpty: false }, capacity: 25 });
    expect((await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "kim", name: "x", email: "k@b.test" } })).status).toBe(409);
    expect((await ctx.request("/v1/managers", { key: ws.keys.admin, json: { name: "x", email: "k@b.test", timezone: "Mars/Base" } })).status).toBe(422);
    expect((await ctx.request("/v1/managers", { key: ws.keys.manager, json: { name: "x", email: "k@b.test" } })).status).toBe(403);
    const patched = await readJson(await ctx.request("/v1/managers/kim", { method: "PATCH", key: ws.keys.admin, json: { capacity: 3, digest: { hour: 7 } } }));
    expect(patched).toMatchObject({ capacity: 3, digest: { frequency: "weekly", hour: 7 } });
    expect((await readJson(await ctx.request("/v1/managers", { key: ws.keys.manager }))).managers).toHaveLength(1);
    const other = await ctx.workspace();
    expect((await ctx.request("/v1/managers/kim", { key: other.keys.manager })).status).toBe(404);
  });
});
