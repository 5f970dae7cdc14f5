import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { writeEvent } from "../../src/outbox/events.ts";
import { retryDelayMs } from "../../src/webhooks/deliver.ts";
import { isNonPublicAddress } from "../../src/webhooks/ssrf.ts";
import { eventually, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { allowLoopback, count, createEndpoint, raiseAlert, startReceiver } from "./support.ts";

const ctx = useTestContext();
let keyN = 0;

beforeAll(() => {
  // Short retries so a test sees a whole schedule; the production defaults are checked below.
  ctx.config.WEBHOOK_RETRY_BASE_MS = 50;
  ctx.config.WEBHOOK_RETRY_MAX_MS = 200;
  ctx.config.WEBHOOK_TIMEOUT_MS = 2000;
  ctx.startWorkers();
});

const event = (ws: TestWorkspace, type: "alert.opened" | "task.created" = "alert.opened") =>
  writeEvent(ctx.database.sql, { workspaceId: ws.id, key: `test:${++keyN}`, type, at: ctx.clock(), data: { alertId: `alr_${keyN}`, customerId: "c1" } });

const deliveriesOf = async (ws: TestWorkspace, query = "") => (await readJson(await ctx.request(`/v1/deliveries${query}`, { key: ws.keys.admin }))).deliveries;
const settled = (ws: TestWorkspace, n = 1) =>
  eventually(async () => {
    const list = await deliveriesOf(ws);
    return list.length >= n && list.every((d: { status: string }) => d.status !== "pending") ? list : undefined;
  });

describe("webhook endpoints", () => {
  it("refuses loopback, private and link-local destinations unless the workspace allows them", async () => {
    const ws = await ctx.workspace();
    for (const url of ["http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]/x", "http://localhost:9/x", "http://[::ffff:127.0.0.1]/x"]) {
      const res = await ctx.request("/v1/webhook-endpoints", { key: ws.keys.admin, json: { url, eventTypes: ["alert.opened"] } });
      expect(res.status, url).toBe(422);
      expect((await readJson(res)).errors[0].path).toBe("url");
    }
    expect((await ctx.request("/v1/webhook-endpoints", { key: ws.keys.admin, json: { url: "ftp://example.com/x", eventTypes: ["alert.opened"] } })).status).toBe(422);
    await allowLoopback(ctx, ws);
    const created = await createEndpoint(ctx, ws, "http://127.0.0.1:9/x");
    expect(created.secret).toMatch(/^whsec_/);
    const list = await readJson(await ctx.request("/v1/webhook-endpoints", { key: ws.keys.admin }));
    expect(list.webhookEndpoints).toHaveLength(1);
    expect(list.webhookEndpoints[0].secret).toBeUndefined();
    expect((await ctx.request("/v1/webhook-endpoints", { key: ws.keys.manager })).status).toBe(403);
  });

  it("classifies addresses", () => {
    for (const a of ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:7f00:1"]) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"]) expect(isNonPublicAddress(a), a).toBe(false);
  });
});

describe("deliveries", () => {
  it("delivers an alert's event signed by Standard Webhooks, with the delivery id as webhook-id", async () => {
    const receiver = await startReceiver();
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      const endpoint = await createEndpoint(ctx, ws, receiver.url, ["alert.opened", "task.created"]);
      const alertId = await raiseAlert(ctx, ws, "vip");
      await drainOutbox(ctx);
      const [delivery] = await settled(ws);
      expect(delivery).toMatchObject({ status: "succeeded", eventType: "alert.opened", attempts: 1, endpointId: endpoint.id });
      expect(delivery.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: "succeeded", responseCode: 200, latencyMs: expect.any(Number) })]);
      expect(receiver.received).toHaveLength(1);
      const req = receiver.received[0]!;
      const verified = new Webhook(endpoint.secret).verify(req.body, req.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
      expect(verified.type).toBe("alert.opened");
      expect(verified.data).toMatchObject({ alertId, customerId: "vip", workspaceId: ws.id });
      expect(req.headers["webhook-id"]).toBe(delivery.id);
      expect(() => new Webhook(`whsec_${Buffer.from("not the secret").toString("base64")}`).verify(req.body, req.headers as Record<string, string>)).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it("creates exactly one delivery per event and endpoint when the drain runs twice, at once or again", async () => {
    const receiver = await startReceiver();
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      await createEndpoint(ctx, ws, receiver.url, ["alert.opened"]);
      await createEndpoint(ctx, ws, receiver.url, ["alert.opened", "task.created"]);
      for (let i = 0; i < 3; i++) await event(ws);
      await event(ws, "task.created");
      await Promise.all([drainOutbox(ctx), drainOutbox(ctx)]);
      // A worker that died after the fan-out but before marking the rows: the rows come back.
      await ctx.database.sql`update outbox set processed_at = null where workspace_id = ${ws.id}`;
      await drainOutbox(ctx);
      expect(await count(ctx, "deliveries", ws.id)).toBe(3 * 2 + 1);
      await settled(ws, 7);
      expect(receiver.received).toHaveLength(7);
      expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(7);
    } finally {
      await receiver.close();
    }
  });

  it("retries a receiver that fails, then succeeds, with the same webhook-id; every attempt is recorded", async () => {
    const receiver = await startReceiver((_r, n) => (n <= 2 ? { status: 500, body: "boom" } : { status: 204 }));
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      await createEndpoint(ctx, ws, receiver.url);
      await event(ws);
      await drainOutbox(ctx);
      const [delivery] = await settled(ws);
      expect(delivery).toMatchObject({ status: "succeeded", attempts: 3, lastResponseCode: 204 });
      expect(delivery.attemptLog.map((a: { outcome: string; responseCode: number }) => [a.outcome, a.responseCode])).toEqual([
        ["failed", 500],
        ["failed", 500],
        ["succeeded", 204],
      ]);
      expect(new Set(receiver.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery.id]));
    } finally {
      await receiver.close();
    }
  });

  it("honours Retry-After when it is longer than the backoff", async () => {
    const receiver = await startReceiver((_r, n) => (n === 1 ? { status: 503, headers: { "retry-after": "1" } } : { status: 200 }));
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      await createEndpoint(ctx, ws, receiver.url);
      await event(ws);
      await drainOutbox(ctx);
      await settled(ws);
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(950);
    } finally {
      await receiver.close();
    }
  });

  it("disables the endpoint on 410 Gone and sends it nothing more", async () => {
    const receiver = await startReceiver(() => ({ status: 410 }));
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      const endpoint = await createEndpoint(ctx, ws, receiver.url);
      await event(ws);
      await drainOutbox(ctx);
      const [delivery] = await settled(ws);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1, lastResponseCode: 410 });
      const after = await readJson(await ctx.request(`/v1/webhook-endpoints/${endpoint.id}`, { key: ws.keys.admin }));
      expect(after.enabled).toBe(false);
      expect(after.disabledReason).toMatch(/410/);
      await event(ws);
      await drainOutbox(ctx);
      expect(await count(ctx, "deliveries", ws.id)).toBe(1);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("keeps a delivery that exhausts its retries as failed, and replays it with the same webhook-id", async () => {
    let up = false;
    const receiver = await startReceiver(() => (up ? { status: 200 } : { status: 502 }));
    const before = ctx.config.WEBHOOK_MAX_ATTEMPTS;
    ctx.config.WEBHOOK_MAX_ATTEMPTS = 3;
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      await createEndpoint(ctx, ws, receiver.url);
      await event(ws);
      await drainOutbox(ctx);
      const [failed] = await settled(ws);
      expect(failed).toMatchObject({ status: "failed", attempts: 3 });
      expect((await deliveriesOf(ws, "?status=failed")).map((d: { id: string }) => d.id)).toEqual([failed.id]);
      up = true;
      const replay = await ctx.request(`/v1/deliveries/${failed.id}/replay`, { method: "POST", key: ws.keys.admin });
      expect(replay.status).toBe(202);
      const [done] = await settled(ws);
      expect(done).toMatchObject({ id: failed.id, status: "succeeded", attempts: 4 });
      expect(done.attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual(["failed", "failed", "failed", "succeeded"]);
      expect(new Set(receiver.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([failed.id]));
      expect((await ctx.request(`/v1/deliveries/${failed.id}/replay`, { method: "POST", key: ws.keys.manager })).status).toBe(403);
    } finally {
      ctx.config.WEBHOOK_MAX_ATTEMPTS = before;
      await receiver.close();
    }
  });

  it("refuses at delivery time a destination the allow-list no longer permits, without sending anything", async () => {
    const receiver = await startReceiver();
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      await createEndpoint(ctx, ws, receiver.url);
      await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { actions: { webhookAllowList: [] } } });
      await event(ws);
      await drainOutbox(ctx);
      const [delivery] = await settled(ws);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1 });
      expect(delivery.attemptLog[0]).toMatchObject({ outcome: "refused", responseCode: null });
      expect(delivery.lastError).toMatch(/loopback, private or link-local/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it("spreads the default retries over about a day", () => {
    const defaults = { ...ctx.config, WEBHOOK_RETRY_BASE_MS: 30_000, WEBHOOK_RETRY_MAX_MS: 8 * 3_600_000, WEBHOOK_MAX_ATTEMPTS: 13 };
    const total = (r: number) => Array.from({ length: defaults.WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(defaults, i + 1, () => r)).reduce((a, b) => a + b, 0);
    expect(total(0.5) / 3_600_000).toBeGreaterThan(20);
    expect(total(0.5) / 3_600_000).toBeLessThan(30);
    expect(retryDelayMs(defaults, 1, () => 0)).toBe(24_000);
    expect(retryDelayMs(defaults, 1, () => 1)).toBe(36_000);
  });
});

