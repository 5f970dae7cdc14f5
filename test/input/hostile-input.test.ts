// Hostile input answers 4xx naming the field and stores nothing; in a signal batch the bad
// item is rejected on its own and the valid ones are stored.
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const countSignals = async (workspaceId: string) =>
  Number((await ctx.database.sql`select count(*)::int as n from signals where workspace_id = ${workspaceId}`)[0]!.n);
const countCustomers = async (workspaceId: string) =>
  Number((await ctx.database.sql`select count(*)::int as n from customers where workspace_id = ${workspaceId}`)[0]!.n);

async function expect422(res: Response, path: string) {
  expect(res.status).toBe(422);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = await readJson(res);
  expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  return body;
}

describe("amounts too small to be money", () => {
  it("rejects a denormal amount, whose division underflows in the features, and stores the valid item beside it", async () => {
    const ws = await ctx.workspace();
    const good = signal.purchase("c-good", daysAgo(1));
    const bad = signal.purchase("c-tiny", daysAgo(40), { data: { orderId: "o-tiny", amount: 5e-324 } });
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [good, bad] } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1].errors.map((e: { path: string }) => e.path)).toContain("signals[1].data.amount");
    expect(await countSignals(ws.id)).toBe(1);
  });
});

describe("strings PostgreSQL cannot store", () => {
  it.each([
    ["NUL in the customer id", { customerId: "c-\u0000-1" }, "signals[1].customerId"],
    ["an unpaired surrogate in the customer id", { customerId: "c-\ud800" }, "signals[1].customerId"],
    ["NUL in a data field", { data: { category: "skin\u0000care" } }, "signals[1].data.category"],
    ["NUL in a key", { data: { "cat\u0000egory": "x" } as never }, "signals[1].data.cat\\u0000egory"],
  ])("rejects the item with %s and stores the valid one beside it", async (_what, over, path) => {
    const ws = await ctx.workspace();
    const good = signal.purchase("c-good", daysAgo(1));
    const bad = signal.purchase("c-bad", daysAgo(1), over as never);
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [good, bad] } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1].status).toBe("rejected");
    expect(body.results[1].errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await countSignals(ws.id)).toBe(1);
    expect(await countCustomers(ws.id)).toBe(1);
  });

  it("rejects a bare signal with NUL as an item", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.session("c-\u0000", daysAgo(1)) });
    expect(res.status).toBe(200);
    expect((await readJson(res)).results[0]).toMatchObject({ status: "rejected" });
    expect(await countSignals(ws.id)).toBe(0);
  });

  it("answers 422 naming the path parameter for NUL in a customer id", async () => {
    const ws = await ctx.workspace();
    await expect422(await ctx.request("/v1/customers/a%00b", { key: ws.keys.manager }), "path.customerId");
    await expect422(await ctx.request("/v1/customers/a%ED%A0%80b/signals", { key: ws.keys.manager }), "path.customerId");
    await expect422(await ctx.request("/v1/customers/a%00b", { key: ws.keys.manager, method: "PUT", json: { name: "x" } }), "path.customerId");
    expect(await countCustomers(ws.id)).toBe(0);
  });

  it("answers 422 naming the query parameter", async () => {
    const ws = await ctx.workspace();
    await expect422(await ctx.request("/v1/alerts?customerId=a%00b", { key: ws.keys.manager }), "query.customerId");
  });

  it("answers 422 naming the body field for NUL in a name or an attribute key", async () => {
    const ws = await ctx.workspace();
    await expect422(await ctx.request("/v1/customers/c-1", { key: ws.keys.manager, method: "PUT", json: { name: "Kim\u0000" } }), "name");
    await expect422(
      await ctx.request("/v1/customers/c-1", { key: ws.keys.manager, method: "PUT", json: { attributes: { ok: "x", deep: { v: "\ud800" } } } }),
      "attributes.deep.v",
    );
    expect(await countCustomers(ws.id)).toBe(0);
  });

  it("refuses nesting deeper than any route takes", async () => {
    const ws = await ctx.workspace();
    let deep: unknown = "x";
    for (let i = 0; i < 200; i++) deep = { a: deep };
    const res = await ctx.request("/v1/customers/c-1", { key: ws.keys.manager, method: "PUT", json: { attributes: { deep } } });
    expect(res.status).toBe(422);
    expect(await countCustomers(ws.id)).toBe(0);
  });
});

describe("dates within a sane range", () => {
  it.each(["0000-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z"])(
    "rejects occurredAt %s",
    async (occurredAt) => {
      const ws = await ctx.workspace();
      const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [signal.purchase("c-1", occurredAt)] } });
      const body = await readJson(res);
      expect(body.results[0]).toMatchObject({ status: "rejected", errors: [{ path: "signals[0].occurredAt" }] });
      expect(await countSignals(ws.id)).toBe(0);
    },
  );

  it("takes occurredAt up to a day ahead of now, not more", async () => {
    const ws = await ctx.workspace();
    const now = Math.max(ctx.clock().getTime(), Date.now()); // the later of the pinned and the wall clock
    const soon = new Date(now + 60 * 60_000).toISOString();
    const late = new Date(now + 2 * 86_400_000).toISOString();
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [signal.purchase("c-1", soon), signal.purchase("c-1", late)] } });
    expect((await readJson(res)).results.map((r: { status: string }) => r.status)).toEqual(["accepted", "rejected"]);
  });

  it("answers 422 to asOf in year 0000", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.purchase("c-1", daysAgo(1)) });
    await expect422(await ctx.request("/v1/customers/c-1/tiers?asOf=0000-01-01T00:00:00Z", { key: ws.keys.manager }), "query.asOf");
    await expect422(await ctx.request("/v1/alerts?openedFrom=0000-01-01T00:00:00Z", { key: ws.keys.manager }), "query.openedFrom");
  });
});

describe("size limits", () => {
  it("refuses a 1.5 MB attribute, naming it", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/customers/c-1", { key: ws.keys.manager, method: "PUT", json: { attributes: { notes: "가".repeat(500_000) } } });
    await expect422(res, "attributes.notes");
    expect(await countCustomers(ws.id)).toBe(0);
  });

  it("refuses attributes over 32 KiB in all", async () => {
    const ws = await ctx.workspace();
    const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "x".repeat(1000)]));
    await expect422(await ctx.request("/v1/customers/c-1", { key: ws.keys.manager, method: "PUT", json: { attributes } }), "attributes");
    expect(await countCustomers(ws.id)).toBe(0);
  });
});
