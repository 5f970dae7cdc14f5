import { describe, expect, it } from "vitest";
import { signalTypes } from "../../db/schema.ts";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const push = (key: string, signals: unknown[]) => ctx.request("/v1/signals", { key, json: { signals } });
const storedIds = async (workspaceId: string) =>
  (await ctx.database.sql<{ id: string }[]>`select id from signals where workspace_id = ${workspaceId} order by id`).map((r) => r.id);

describe("POST /v1/signals", () => {
  it("accepts and stores every signal type", async () => {
    const ws = await ctx.workspace();
    const batch = [
      signal.purchase("c-1", daysAgo(3)),
      signal.refund("c-1", daysAgo(2)),
      signal.session("c-1", daysAgo(1)),
      signal.supportTicket("c-1", daysAgo(1)),
      signal.campaignResponse("c-1", daysAgo(1)),
      signal.competitorAppUsage("c-1", daysAgo(1), { period: { start: daysAgo(8), end: daysAgo(1) } }),
      signal.competitorPurchase("c-1", daysAgo(1)),
    ];
    const res = await push(ws.keys.ingest, batch);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ accepted: 7, duplicates: 0, rejected: 0 });
    const rows = await ctx.database.sql<{ type: string }[]>`select type from signals where workspace_id = ${ws.id}`;
    expect(rows.map((r) => r.type).sort()).toEqual([...signalTypes].sort());
  });

  it("keeps when it happened and when it arrived, and the evidence of external signals", async () => {
    const ws = await ctx.workspace();
    const s = signal.competitorPurchase("c-1", daysAgo(5), { source: "card-panel", confidence: 0.8, consentBasis: "consent" });
    await push(ws.keys.ingest, [s]);
    const [row] = await ctx.database.sql`select occurred_at, received_at, source, confidence, consent_basis, competitor, amount from signals where workspace_id = ${ws.id}`;
    expect(row).toMatchObject({ source: "card-panel", confidence: 0.8, consent_basis: "consent", competitor: "rival-beauty", amount: 120000 });
    expect(row!.occurred_at.toISOString()).toBe(daysAgo(5));
    expect(row!.received_at.toISOString()).toBe(ctx.clock().toISOString());
  });

  it("accepts one signal sent on its own, without a batch", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.purchase("c-1", daysAgo(1)) });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ accepted: 1 });
  });

  it("reports the same id in a later request as a duplicate and stores it once", async () => {
    const ws = await ctx.workspace();
    const s = signal.purchase("c-1", daysAgo(1));
    await push(ws.keys.ingest, [s]);
    const res = await push(ws.keys.ingest, [s, signal.purchase("c-1", daysAgo(1))]);
    const body = await readJson(res);
    expect(body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(body.results[0]).toMatchObject({ id: s.id, status: "duplicate" });
    expect(await storedIds(ws.id)).toHaveLength(2);
  });

  it("counts an id repeated within one batch once", async () => {
    const ws = await ctx.workspace();
    const s = signal.purchase("c-1", daysAgo(1));
    const body = await readJson(await push(ws.keys.ingest, [s, s]));
    expect(body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await storedIds(ws.id)).toEqual([s.id]);
  });

  it("rejects a bad item with its path and reason and stores nothing of it, keeping the good ones", async () => {
    const ws = await ctx.workspace();
    const good = signal.purchase("c-1", daysAgo(1));
    const badAmount = signal.purchase("c-1", daysAgo(1), { data: { amount: -5 } });
    const unknownField = { ...signal.session("c-1", daysAgo(1)), data: { durationSeconds: 10, channel: "app", colour: "red" } };
    const unknownType = { id: "x-1", customerId: "c-1", type: "teleport", occurredAt: daysAgo(1), data: {} };
    const body = await readJson(await push(ws.keys.ingest, [good, badAmount, unknownField, unknownType]));
    expect(body).toMatchObject({ accepted: 1, rejected: 3 });
    expect(body.results[1].errors).toContainEqual(expect.objectContaining({ path: "signals[1].data.amount" }));
    expect(body.results[2].errors).toContainEqual(expect.objectContaining({ path: "signals[2].data", message: expect.stringContaining("colour") }));
    expect(body.results[3].errors[0].path).toBe("signals[3].type");
    expect(await storedIds(ws.id)).toEqual([good.id]);
  });

  it("requires source and consent basis on external signals", async () => {
    const ws = await ctx.workspace();
    const { source: _s, consentBasis: _c, ...bare } = signal.competitorPurchase("c-1", daysAgo(1)) as Record<string, unknown>;
    const body = await readJson(await push(ws.keys.ingest, [bare]));
    const paths = body.results[0].errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["signals[0].source", "signals[0].consentBasis"]));
  });

  it("converts amounts into the workspace currency and rejects a currency without a rate", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { fxRates: { USD: 1400 } } });
    const usd = signal.purchase("c-1", daysAgo(1), { data: { amount: 10, currency: "USD" } });
    const eur = signal.purchase("c-1", daysAgo(1), { data: { amount: 10, currency: "EUR" } });
    const body = await readJson(await push(ws.keys.ingest, [usd, eur]));
    expect(body.results[1]).toMatchObject({ status: "rejected", errors: [{ path: "signals[1].data.currency" }] });
    const [row] = await ctx.database.sql`select amount from signals where workspace_id = ${ws.id} and id = ${usd.id}`;
    expect(row!.amount).toBe(14_000);
  });

  it("registers a competitor the first time a signal names it, with its apps", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, [
      signal.competitorAppUsage("c-1", daysAgo(1), { data: { competitor: "GlowMall", app: "GlowMall Shopping" } }),
      signal.competitorAppUsage("c-2", daysAgo(1), { data: { competitor: "glowmall", app: "GlowMall Live" } }),
    ]);
    const res = await ctx.request("/v1/competitors/glowmall", { key: ws.keys.marketer });
    expect(await readJson(res)).toMatchObject({ id: "glowmall", apps: ["GlowMall Live", "GlowMall Shopping"], autoRegistered: true });
  });

  it("registers an app named in a later request for a competitor already known", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, [signal.competitorAppUsage("c-1", daysAgo(2), { data: { competitor: "GlowMall", app: "GlowMall Shopping" } })]);
    await push(ws.keys.ingest, [signal.competitorAppUsage("c-1", daysAgo(1), { data: { competitor: "GlowMall", app: "GlowMall Shopping" } })]);
    await push(ws.keys.ingest, [signal.competitorAppUsage("c-2", daysAgo(1), { data: { competitor: "glowmall", app: "GlowMall Live" } })]);
    const res = await ctx.request("/v1/competitors/glowmall", { key: ws.keys.marketer });
    expect(await readJson(res)).toMatchObject({ apps: ["GlowMall Live", "GlowMall Shopping"] });
  });

  it("refuses a batch over 1,000 signals as a whole, naming the field", async () => {
    const ws = await ctx.workspace();
    const batch = Array.from({ length: 1001 }, (_, i) => signal.session(`c-${i}`, daysAgo(1)));
    const res = await push(ws.keys.ingest, batch);
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("signals");
    expect(await storedIds(ws.id)).toHaveLength(0);
  });

  it("resolves one customer when concurrent batches first name it together", async () => {
    const ws = await ctx.workspace();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => push(ws.keys.ingest, [signal.purchase("racer", daysAgo(1))]).then(readJson)),
    );
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    const rows = await ctx.database.sql`select id from customers where workspace_id = ${ws.id}`;
    expect(rows.map((r) => r.id)).toEqual(["racer"]);
  });

  it("counts the same id sent by concurrent requests once", async () => {
    const ws = await ctx.workspace();
    const s = signal.purchase("c-1", daysAgo(1));
    const results = await Promise.all(Array.from({ length: 5 }, () => push(ws.keys.ingest, [s]).then(readJson)));
    expect(results.map((r) => r.accepted).sort()).toEqual([0, 0, 0, 0, 1]);
    expect(results.map((r) => r.duplicates).sort()).toEqual([0, 1, 1, 1, 1]);
    expect(await storedIds(ws.id)).toEqual([s.id]);
  });

  it("keeps concurrent requests of different workspaces apart", async () => {
    const [a, b] = [await ctx.workspace(), await ctx.workspace()];
    const s = signal.purchase("same-customer", daysAgo(1));
    const [ra, rb] = await Promise.all([push(a.keys.ingest, [s]).then(readJson), push(b.keys.ingest, [s]).then(readJson)]);
    expect([ra.accepted, rb.accepted]).toEqual([1, 1]);
    expect(await storedIds(a.id)).toEqual([s.id]);
    expect(await storedIds(b.id)).toEqual([s.id]);
  });

  it("creates customers on first sight", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, [signal.purchase("new-customer", daysAgo(1))]);
    const res = await ctx.request("/v1/customers/new-customer", { key: ws.keys.manager });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ id: "new-customer", identities: [{ kind: "crm_id", value: "new-customer" }] });
  });
});
