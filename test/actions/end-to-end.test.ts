// An alert through the real queues: the drain job (run twice, and once more after a
// simulated crash between the work and the marking) leaves one task, one enrollment and one
// delivery per event and endpoint.
import { beforeAll, describe, expect, it } from "vitest";
import { eventually, useTestContext } from "../support/context.ts";
import { count, prepareActions, raiseAlert, startReceiver } from "./support.ts";

const ctx = useTestContext();
beforeAll(() => ctx.startWorkers());

describe("alert → actions through the queues", () => {
  it("produces enrollment, task and deliveries exactly once when the drain runs twice or dies mid-way", async () => {
    const receiver = await startReceiver();
    try {
      const ws = await ctx.workspace();
      await prepareActions(ctx, ws, receiver.url);
      await raiseAlert(ctx, ws, "vip");
      const pending = async () => Number((await ctx.database.sql`select count(*)::int as n from outbox where workspace_id = ${ws.id} and processed_at is null`)[0]!.n);
      await Promise.all([ctx.jobs.add("drainOutbox", {}), ctx.jobs.add("drainOutbox", {})]);
      // The drain writes task.created and campaign.enrollment.created rows; drain until quiet.
      await eventually(async () => {
        if ((await pending()) > 0) await ctx.jobs.add("drainOutbox", {});
        return (await pending()) === 0 && (await count(ctx, "deliveries", ws.id)) === 3 ? true : undefined;
      });
      // A worker that died after doing the work but before marking its rows: they come back.
      await ctx.database.sql`update outbox set processed_at = null where workspace_id = ${ws.id}`;
      await ctx.jobs.add("drainOutbox", {});
      await ctx.jobs.add("drainOutbox", {});
      await eventually(async () => ((await pending()) === 0 ? true : undefined));
      await eventually(async () => (receiver.received.length >= 3 ? true : undefined));
      expect(await count(ctx, "tasks", ws.id)).toBe(1);
      expect(await count(ctx, "enrollments", ws.id)).toBe(1);
      expect(await count(ctx, "deliveries", ws.id)).toBe(3);
      expect(receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type).sort()).toEqual(["alert.opened", "campaign.enrollment.created", "task.created"]);
    } finally {
      await receiver.close();
    }
  });
});
