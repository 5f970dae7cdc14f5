// Secret rotation with an overlap: a signing source's and an outbound endpoint's secret can be
// replaced while the old one keeps working for a while, so the other side switches without a
// refused push or an unverifiable delivery.
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { DEFAULT_NOW, eventually, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { allowLoopback, createEndpoint, raiseAlert, startReceiver } from "../actions/support.ts";

const ctx = useTestContext();
const START = DEFAULT_NOW;
const hours = (h: number) => new Date(START.getTime() + h * 3_600_000);

beforeAll(() => ctx.startWorkers());

function signedPush(secret: string, body: string) {
  const msgId = `msg_${Math.random().toString(36).slice(2)}`;
  const at = new Date();
  return {
    "content-type": "application/json",
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(msgId, at, body),
  };
}

async function newSource(ws: TestWorkspace) {
  return readJson(await ctx.request("/v1/webhook-sources", { key: ws.keys.admin, json: { name: "Braze" } })) as Promise<{ id: string; secret: string; url: string }>;
}

const push = async (url: string, secret: string) => {
  const body = JSON.stringify({ signals: [signal.purchase("c-rot", daysAgo(1, START))] });
  return (await ctx.request(url, { method: "POST", body, headers: signedPush(secret, body) })).status;
};

describe("rotating a signing source's secret", () => {
  it("accepts pushes signed with either secret during the overlap, and only the new one after it", async () => {
    ctx.setNow(START);
    const ws = await ctx.workspace();
    const source = await newSource(ws);
    const res = await ctx.request(`/v1/webhook-sources/${source.id}/rotate-secret`, { key: ws.keys.admin, json: { overlapHours: 24 } });
    expect(res.status).toBe(200);
    const rotated = await readJson(res);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(source.secret);
    expect(rotated.previousSecretValidUntil).toBe(hours(24).toISOString());

    expect(await push(source.url, source.secret)).toBe(200);
    expect(await push(source.url, rotated.secret)).toBe(200);
    ctx.setNow(hours(24.01));
    expect(await push(source.url, source.secret)).toBe(401);
    expect(await push(source.url, rotated.secret)).toBe(200);
  });

  it("ends the old secret at once with an overlap of 0 hours, and takes 24 hours when the body is left out", async () => {
    ctx.setNow(START);
    const ws = await ctx.workspace();
    const a = await newSource(ws);
    const now = await readJson(await ctx.request(`/v1/webhook-sources/${a.id}/rotate-secret`, { key: ws.keys.admin, json: { overlapHours: 0 } }));
    expect(await push(a.url, a.secret)).toBe(401);
    expect(await push(a.url, now.secret)).toBe(200);
    const b = await newSource(ws);
    const res = await ctx.request(`/v1/webhook-sources/${b.id}/rotate-secret`, { method: "POST", key: ws.keys.admin });
    expect(res.status).toBe(200);
    expect((await readJson(res)).previousSecretValidUntil).toBe(hours(24).toISOString());
  });

  it("refuses an overlap out of range (naming the field), other roles, and unknown or revoked sources; nothing changes", async () => {
    ctx.setNow(START);
    const ws = await ctx.workspace();
    const source = await newSource(ws);
    const tooLong = await ctx.request(`/v1/webhook-sources/${source.id}/rotate-secret`, { key: ws.keys.admin, json: { overlapHours: 500 } });
    expect(tooLong.status).toBe(422);
    expect((await readJson(tooLong)).errors[0].path).toBe("overlapHours");
    expect((await ctx.request(`/v1/webhook-sources/${source.id}/rotate-secret`, { key: ws.keys.manager, json: {} })).status).toBe(403);
    expect((await ctx.request(`/v1/webhook-sources/src_nope/rotate-secret`, { key: ws.keys.admin, json: {} })).status).toBe(404);
    const other = await ctx.workspace();
    expect((await ctx.request(`/v1/webhook-sources/${source.id}/rotate-secret`, { key: other.keys.admin, json: {} })).status).toBe(404);
    expect(await push(source.url, source.secret)).toBe(200);
    await ctx.request(`/v1/webhook-sources/${source.id}`, { method: "DELETE", key: ws.keys.admin });
    expect((await ctx.request(`/v1/webhook-sources/${source.id}/rotate-secret`, { key: ws.keys.admin, json: {} })).status).toBe(404);
  });
});

describe("rotating an endpoint's secret", () => {
  it("signs deliveries with both secrets during the overlap and with the new one alone after it", async () => {
    const receiver = await startReceiver();
    try {
      ctx.setNow(START);
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      const endpoint = await createEndpoint(ctx, ws, receiver.url, ["alert.opened"]);
      const res = await ctx.request(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { key: ws.keys.admin, json: { overlapHours: 2 } });
      expect(res.status).toBe(200);
      const rotated = await readJson(res);

      await raiseAlert(ctx, ws, "vip-1");
      await drainOutbox(ctx);
      await eventually(async () => (receiver.received.length >= 1 ? true : undefined));
      const during = receiver.received[0]!;
      expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
      for (const secret of [endpoint.secret, rotated.secret]) {
        expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
      }

      ctx.setNow(hours(3));
      await raiseAlert(ctx, ws, "vip-2");
      await drainOutbox(ctx);
      await eventually(async () => (receiver.received.length >= 2 ? true : undefined));
      const after = receiver.received[1]!;
      expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
      expect(() => new Webhook(rotated.secret).verify(after.body, after.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(endpoint.secret).verify(after.body, after.headers as Record<string, string>)).toThrow();
    } finally {
      await receiver.close();
    }
  });
});
