// Idempotency like Stripe's: a repeated signal id with the same payload is a duplicate that
// names the stored customer and creates nothing; with another payload it is a conflict that
// names the fields that differ and stores nothing.
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const post = async (key: string, signals: unknown[]) => readJson(await ctx.request("/v1/signals", { key, json: { signals } }));
const customers = async (workspaceId: string) =>
  (await ctx.database.sql`select id from customers where workspace_id = ${workspaceId} order by id`).map((r) => r.id as string);

describe("signal ids are idempotency keys", () => {
  it("answers a repeated request as the original was: the same customers, nothing stored twice", async () => {
    const ws = await ctx.workspace();
    const batch = [signal.purchase("c-1", daysAgo(2)), signal.session("c-2", daysAgo(1)), signal.competitorPurchase("c-1", daysAgo(1))];
    const first = await post(ws.keys.ingest, batch);
    expect(first.accepted).toBe(3);
    const again = await post(ws.keys.ingest, batch);
    expect(again).toMatchObject({ accepted: 0, duplicates: 3, conflicts: 0 });
    expect(again.results.map((r: { customerId: string }) => r.customerId)).toEqual(first.results.map((r: { customerId: string }) => r.customerId));
    const [row] = await ctx.database.sql`select count(*)::int as n from signals where workspace_id = ${ws.id}`;
    expect(row!.n).toBe(3);
  });

  it("reports an id reused with another payload as a conflict naming the fields, keeps the first and creates no customer", async () => {
    const ws = await ctx.workspace();
    const original = signal.purchase("c-1", daysAgo(2), { data: { amount: 50_000 } });
    await post(ws.keys.ingest, [original]);
    const reused = { ...original, customerId: "c-new", occurredAt: daysAgo(1), data: { ...(original as { data: object }).data, amount: 70_000 } };
    const body = await post(ws.keys.ingest, [reused, signal.session("c-1", daysAgo(1))]);
    expect(body).toMatchObject({ accepted: 1, duplicates: 0, conflicts: 1 });
    expect(body.results[0]).toMatchObject({ status: "conflict", customerId: "c-1" });
    expect(body.results[0].errors.map((e: { path: string }) => e.path).sort()).toEqual(["signals[0].customerId", "signals[0].data.amount", "signals[0].occurredAt"]);
    expect(await customers(ws.id)).toEqual(["c-1"]);
    const [stored] = await ctx.database.sql`select customer_id, data->>'amount' as amount from signals where workspace_id = ${ws.id} and id = ${original.id}`;
    expect(stored).toMatchObject({ customer_id: "c-1", amount: "50000" });
  });

  it("a duplicate names the customer the stored signal belongs to, not the one sent", async () => {
    const ws = await ctx.workspace();
    const s = signal.purchase("c-1", daysAgo(2));
    await post(ws.keys.ingest, [s]);
    // Another process (an empty identity cache) repeats it.
    await ctx.database.sql`update signals set customer_id = 'c-9' where workspace_id = ${ws.id} and id = ${s.id}`;
    const again = await post(ws.keys.ingest, [s]);
    expect(again.results[0]).toMatchObject({ status: "duplicate", customerId: "c-9" });
  });

  it("the same id twice in one batch with different payloads: the second is a conflict", async () => {
    const ws = await ctx.workspace();
    const a = signal.purchase("c-1", daysAgo(2));
    const b = { ...a, occurredAt: daysAgo(3) };
    const body = await post(ws.keys.ingest, [a, b, a]);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "conflict", "duplicate"]);
    expect(body.results[1].errors).toEqual([expect.objectContaining({ path: "signals[1].occurredAt" })]);
  });
});
