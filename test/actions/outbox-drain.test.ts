// Asking for a drain right after writing outbox rows: a request made while a drain is
// already running (past the page it read) must still get its rows drained, not wait for
// the safety-net schedule (which these workers do not run, as a test's never do).
import { expect, it } from "vitest";
import { requestDrain } from "../../src/outbox/drain.ts";
import { eventually, useTestContext } from "../support/context.ts";
import { count, raiseAlert } from "./support.ts";

const ctx = useTestContext();

it("drains rows written while a drain runs, with a drain after the running one", { timeout: 30_000 }, async () => {
  const ws = await ctx.workspace();
  await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "kim", name: "Kim", email: "kim@brand.test" } });
  const { sql } = ctx.database;
  // Hold the task assigner's lock, so the drain that handles the alert's task waits inside its page.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('tasks'), hashtext(${ws.id}))`;
    locked();
    await released;
  });
  await isLocked;
  ctx.startWorkers();
  const alertId = await raiseAlert(ctx, ws, "vip");
  await eventually(async () => ((await sql`select 1 from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`).length > 0 ? true : undefined));
  // The running drain has read its page; this row and its request come after.
  await sql`
    insert into outbox (workspace_id, key, kind, alert_id, customer_id, payload, created_at)
    values (${ws.id}, ${`alert.updated:${alertId}:late`}, 'alert.updated', ${alertId}, 'vip', ${sql.json({ alertId, customerId: "vip" })}, now())`;
  await requestDrain(ctx);
  release();
  await holder;
  await eventually(async () => {
    const [row] = await sql<{ processed_at: Date | null }[]>`
      select processed_at from outbox where workspace_id = ${ws.id} and key = ${`alert.updated:${alertId}:late`}`;
    return row?.processed_at ?? undefined;
  }, 10_000);
  expect(await count(ctx, "tasks", ws.id)).toBe(1);
});
