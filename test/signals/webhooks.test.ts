import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
let ws: TestWorkspace;
let source: { id: string; secret: string; url: string };

beforeAll(async () => {
  ws = await ctx.workspace();
  source = await readJson(await ctx.request("/v1/webhook-sources", { key: ws.keys.admin, json: { name: "Braze" } }));
});

/** Signs with the reference library, as a CRM platform would. */
function signed(body: string, opts: { secret?: string; at?: Date; msgId?: string } = {}) {
  const msgId = opts.msgId ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = opts.at ?? new Date();
  const sig = new Webhook(opts.secret ?? source.secret).sign(msgId, at, body);
  return {
    "content-type": "application/json",
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": sig,
  };
}

const stored = async (id: string) => (await ctx.database.sql`select 1 from signals where workspace_id = ${ws.id} and id = ${id}`).length;

describe("signed webhooks (Standard Webhooks)", () => {
  it("gives each source a whsec_ secret and its own URL", () => {
    expect(source.secret).toMatch(/^whsec_/);
    expect(source.url).toBe(`/v1/webhooks/${ws.id}/${source.id}`);
  });

  it("accepts a body signed by the standardwebhooks library", async () => {
    const s = signal.purchase("c-1", daysAgo(1));
    const body = JSON.stringify({ signals: [s] });
    const res = await ctx.request(source.url, { method: "POST", body, headers: signed(body) });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ accepted: 1 });
    expect(await stored(s.id)).toBe(1);
  });

  it("verifies the raw bytes: the same JSON with different spacing fails", async () => {
    const s = signal.purchase("c-1", daysAgo(1));
    const body = JSON.stringify({ signals: [s] });
    const res = await ctx.request(source.url, { method: "POST", body: JSON.stringify({ signals: [s] }, null, 2), headers: signed(body) });
    expect(res.status).toBe(401);
    expect(await stored(s.id)).toBe(0);
  });

  it("refuses a tampered body", async () => {
    const s = signal.purchase("c-1", daysAgo(1));
    const body = JSON.stringify({ signals: [s] });
    const tampered = body.replace("50000", "99999");
    const res = await ctx.request(source.url, { method: "POST", body: tampered, headers: signed(body) });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await stored(s.id)).toBe(0);
  });

  it("refuses a timestamp more than five minutes old", async () => {
    const s = signal.purchase("c-1", daysAgo(1));
    const body = JSON.stringify({ signals: [s] });
    const res = await ctx.request(source.url, { method: "POST", body, headers: signed(body, { at: new Date(Date.now() - 6 * 60_000) }) });
    expect(res.status).toBe(401);
    expect(await stored(s.id)).toBe(0);
  });

  it("refuses a signature made with another secret", async () => {
    const body = JSON.stringify({ signals: [signal.purchase("c-1", daysAgo(1))] });
    const other = "whsec_" + Buffer.from("another secret of thirty-two bytes!!").toString("base64");
    const res = await ctx.request(source.url, { method: "POST", body, headers: signed(body, { secret: other }) });
    expect(res.status).toBe(401);
  });

  it("refuses a revoked source", async () => {
    const temp = await readJson(await ctx.request("/v1/webhook-sources", { key: ws.keys.admin, json: { name: "old" } }));
    await ctx.request(`/v1/webhook-sources/${temp.id}`, { method: "DELETE", key: ws.keys.admin });
    const body = JSON.stringify({ signals: [signal.purchase("c-1", daysAgo(1))] });
    const res = await ctx.request(temp.url, { method: "POST", body, headers: signed(body, { secret: temp.secret }) });
    expect(res.status).toBe(401);
  });

  it("does not show secrets in the source listing", async () => {
    const list = await readJson(await ctx.request("/v1/webhook-sources", { key: ws.keys.admin }));
    expect(JSON.stringify(list)).not.toContain("whsec_");
  });
});
