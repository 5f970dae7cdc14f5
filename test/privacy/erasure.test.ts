// Erasing a customer removes everything held about them, keeps an audit record without
// personal data, tells webhook endpoints, and is idempotent.
import { describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { erasureKey } from "../../src/privacy/erase-customer.ts";
import { raiseAlert } from "../actions/support.ts";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const tables = ["signals", "customer_identities", "customer_features", "customer_tiers", "tier_history", "scores", "customer_scores", "alerts", "tasks", "enrollments", "channel_opt_outs", "customers"];

async function rowsOf(workspaceId: string, customerId: string) {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const column = t === "customers" ? "id" : "customer_id";
    const [row] = await ctx.database.sql.unsafe(`select count(*)::int as n from ${t} where workspace_id = $1 and ${column} = $2`, [workspaceId, customerId]);
    out[t] = row!.n as number;
  }
  return out;
}

describe("DELETE /v1/customers/{id}", () => {
  it("erases the customer's rows, leaves others alone, audits without personal data and emits customer.erased", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { name: "Jiwoo Kim", email: "jiwoo@example.com" } });
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [signal.session("vip", daysAgo(3)), signal.purchase("other", daysAgo(3))] } });
    await ctx.request("/v1/customers/vip/opt-outs", { key: ws.keys.ingest, json: { channels: ["email"] } });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    const before = await rowsOf(ws.id, "vip");
    expect(before.signals).toBeGreaterThan(0);
    expect(before.alerts).toBe(1);
    const others = await rowsOf(ws.id, "other");

    const res = await ctx.request("/v1/customers/vip", { method: "DELETE", key: ws.keys.admin });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ customerId: "vip", erased: true });

    expect(Object.values(await rowsOf(ws.id, "vip")).every((n) => n === 0), JSON.stringify(await rowsOf(ws.id, "vip"))).toBe(true);
    expect(await rowsOf(ws.id, "other")).toEqual(others);
    const [outbox] = await ctx.database.sql`select count(*)::int as n from outbox where workspace_id = ${ws.id} and customer_id = 'vip'`;
    expect(outbox!.n).toBe(0);
    const [event] = await ctx.database.sql`select payload from outbox where workspace_id = ${ws.id} and kind = 'customer.erased'`;
    expect(event!.payload).toMatchObject({ customerId: "vip" });

    const audit = await ctx.database.sql`select actor, entity_id, detail::text as detail from audit_log where workspace_id = ${ws.id} and action = 'customer.erased'`;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.entity_id).toBe(erasureKey(ws.id, "vip"));
    expect(`${audit[0]!.entity_id} ${audit[0]!.detail}`).not.toMatch(/vip|Jiwoo|example\.com/);
    expect(audit[0]!.actor).toMatch(/^key_|^[a-z]+_/);

    const again = await ctx.request("/v1/customers/vip", { method: "DELETE", key: ws.keys.admin });
    expect(again.status).toBe(200);
    expect(await readJson(again)).toMatchObject({ erased: false });
    expect((await ctx.request("/v1/customers/never-seen", { method: "DELETE", key: ws.keys.admin })).status).toBe(404);
  });

  it("a signal for the erased id afterwards starts a new, empty customer (no stale cached identity)", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.purchase("c-1", daysAgo(3)) });
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.purchase("c-1", daysAgo(2)) });
    expect((await ctx.request("/v1/customers/c-1", { method: "DELETE", key: ws.keys.admin })).status).toBe(200);
    const res = await readJson(await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.session("c-1", daysAgo(1)) }));
    expect(res.results[0]).toMatchObject({ status: "accepted", customerId: "c-1" });
    const [row] = await ctx.database.sql`select count(*)::int as n from customers where workspace_id = ${ws.id} and id = 'c-1'`;
    expect(row!.n).toBe(1);
    const [sig] = await ctx.database.sql`select count(*)::int as n from signals where workspace_id = ${ws.id} and customer_id = 'c-1'`;
    expect(sig!.n).toBe(1);
  });

  it("is refused to keys other than admin", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.purchase("c-1", daysAgo(3)) });
    for (const role of ["ingest", "marketer", "manager"] as const) {
      expect((await ctx.request("/v1/customers/c-1", { method: "DELETE", key: ws.keys[role] })).status).toBe(403);
    }
  });
});
