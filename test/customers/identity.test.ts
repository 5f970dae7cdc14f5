import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { insertSignalsWithIds } from "../../db/queries/signal-ids.ts";

const ctx = useTestContext();
const push = (key: string, signals: unknown[]) => ctx.request("/v1/signals", { key, json: { signals } });

describe("customers and identities", () => {
  it("upserts a customer's profile fields", async () => {
    const ws = await ctx.workspace();
    const put = (json: unknown) => ctx.request("/v1/customers/c-9", { method: "PUT", key: ws.keys.ingest, json });
    await put({ name: "Kim Ji-woo", email: "jiwoo@example.com", timezone: "Asia/Seoul", attributes: { segment: "beauty" } });
    const res = await put({ managerId: "mgr-1" });
    expect(await readJson(res)).toMatchObject({ id: "c-9", name: "Kim Ji-woo", timezone: "Asia/Seoul", managerId: "mgr-1", attributes: { segment: "beauty" } });
  });

  it("refuses an unknown time zone, naming the field", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/customers/c-9", { method: "PUT", key: ws.keys.ingest, json: { timezone: "Mars/Olympus" } });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("timezone");
  });

  it("lands signals sent under any identifier of a customer on that customer", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/c-1", {
      method: "PUT",
      key: ws.keys.ingest,
      json: { identities: [{ kind: "email_hash", value: "e3b0c442" }, { kind: "device_id", value: "ios-77" }] },
    });
    await push(ws.keys.ingest, [
      signal.purchase("c-1", daysAgo(3)),
      signal.session("ios-77", daysAgo(2), { identityKind: "device_id" }),
      signal.competitorPurchase("e3b0c442", daysAgo(1), { identityKind: "email_hash" }),
    ]);
    const timeline = await readJson(await ctx.request("/v1/customers/c-1/signals", { key: ws.keys.manager }));
    expect(timeline.signals.map((s: { type: string }) => s.type)).toEqual(["competitor_purchase", "session", "purchase"]);
  });

  it("refuses to attach an identifier that belongs to another customer", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, [signal.session("ios-1", daysAgo(1), { identityKind: "device_id" })]);
    const res = await ctx.request("/v1/customers/c-1", { method: "PUT", key: ws.keys.ingest, json: { identities: [{ kind: "device_id", value: "ios-1" }] } });
    expect(res.status).toBe(409);
    expect((await readJson(res)).errors[0]).toMatchObject({ path: "identities[0]", message: expect.stringContaining("device_id:ios-1") });
  });

  it("merging two customers keeps both histories and both identities", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, [
      signal.purchase("c-1", daysAgo(5)),
      signal.session("ios-1", daysAgo(4), { identityKind: "device_id" }),
      signal.session("ios-1", daysAgo(3), { identityKind: "device_id" }),
    ]);
    const res = await ctx.request("/v1/customers/c-1/merge", { key: ws.keys.ingest, json: { sourceCustomerId: "device_id:ios-1" } });
    expect(res.status).toBe(200);
    const merged = await readJson(res);
    expect(merged.identities.map((i: { kind: string; value: string }) => `${i.kind}/${i.value}`)).toEqual(["crm_id/c-1", "device_id/ios-1"]);
    const timeline = await readJson(await ctx.request("/v1/customers/c-1/signals", { key: ws.keys.manager }));
    expect(timeline.signals).toHaveLength(3);
    // The old id still leads to the merged customer, and later signals under it land there too.
    expect(await readJson(await ctx.request("/v1/customers/device_id:ios-1", { key: ws.keys.manager }))).toMatchObject({ id: "c-1" });
    // This process cached ios-1 → device_id:ios-1 before the merge; the merge's generation bump retires it.
    const later = await readJson(await push(ws.keys.ingest, [signal.session("ios-1", daysAgo(1), { identityKind: "device_id" })]));
    expect(later.results[0]).toMatchObject({ status: "accepted", customerId: "c-1" });
    expect((await readJson(await ctx.request("/v1/customers/c-1/signals", { key: ws.keys.manager }))).signals).toHaveLength(4);
  });

  describe("a merge racing a flush of signals", () => {
    /** Pushes ios-1's first signal (cached by this process from then on) and returns the workspace. */
    async function seeded() {
      const ws = await ctx.workspace();
      await push(ws.keys.ingest, [signal.purchase("c-1", daysAgo(5)), signal.session("ios-1", daysAgo(4), { identityKind: "device_id" })]);
      return ws;
    }
    const ownerOf = async (workspaceId: string, id: string) =>
      (await ctx.database.sql<{ customer_id: string }[]>`select customer_id from signals where workspace_id = ${workspaceId} and id = ${id}`)[0]?.customer_id;

    it("a flush that arrives while a merge is uncommitted waits, then stores on the merged customer", async () => {
      const ws = await seeded();
      const merge = await ctx.database.sql.reserve();
      try {
        // What a merge does before it commits: bump the generation, re-point the identity.
        await merge`begin`;
        await merge`update identity_generations set generation = generation + 1 where workspace_id = ${ws.id}`;
        await merge`update customer_identities set customer_id = 'c-1' where workspace_id = ${ws.id} and customer_id = 'device_id:ios-1'`;
        await merge`update customers set merged_into = 'c-1' where workspace_id = ${ws.id} and id = 'device_id:ios-1'`;
        let settled = false;
        const flush = push(ws.keys.ingest, [signal.session("ios-1", daysAgo(1), { identityKind: "device_id", id: "during-merge" })]).finally(() => (settled = true));
        await new Promise((r) => setTimeout(r, 300));
        expect(settled).toBe(false);
        await merge`commit`;
        expect((await readJson(await flush)).results[0]).toMatchObject({ status: "accepted", customerId: "c-1" });
      } finally {
        merge.release();
      }
      expect(await ownerOf(ws.id, "during-merge")).toBe("c-1");
    });

    it("a merge waits for a flush in flight, then moves its signals too", async () => {
      const ws = await seeded();
      const flush = await ctx.database.sql.reserve();
      let merging: Promise<Response> | undefined;
      try {
        // A flush that read the generation and stored under the old customer, not yet committed.
        await flush`begin`;
        await flush`select generation from identity_generations where workspace_id = ${ws.id} for share`;
        await insertSignalsWithIds(flush, flush`
          insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, data)
          values (${ws.id}, 'in-flight', 'device_id:ios-1', 'device_id', 'ios-1', 'session', now(), '{}')`);
        let settled = false;
        merging = ctx.request("/v1/customers/c-1/merge", { key: ws.keys.ingest, json: { sourceCustomerId: "device_id:ios-1" } });
        void merging.finally(() => (settled = true));
        await new Promise((r) => setTimeout(r, 300));
        expect(settled).toBe(false);
        await flush`commit`;
        expect((await merging).status).toBe(200);
      } finally {
        flush.release();
      }
      expect(await ownerOf(ws.id, "in-flight")).toBe("c-1");
    });
  });

  it("pages a long timeline with a cursor, newest first, without gaps or repeats", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, Array.from({ length: 7 }, (_, i) => signal.session("c-1", daysAgo(i + 1))));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const page = await readJson(await ctx.request(`/v1/customers/c-1/signals?limit=3${q}`, { key: ws.keys.manager }));
      seen.push(...page.signals.map((s: { occurredAt: string }) => s.occurredAt));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => daysAgo(i + 1)));
  });

  it("refuses a cursor it did not issue, naming the field", async () => {
    const ws = await ctx.workspace();
    await push(ws.keys.ingest, [signal.session("c-1", daysAgo(1))]);
    const res = await ctx.request("/v1/customers/c-1/signals?cursor=not-a-cursor", { key: ws.keys.manager });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("cursor");
  });
});
