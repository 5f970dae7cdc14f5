// Helpers for the actions tests: a real HTTP receiver on 127.0.0.1 whose answers a test
// scripts, and a real alert produced the way production produces one.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { refreshCustomers } from "../../src/scores/pipeline.ts";
import type { TestContext, TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

export type Received = { at: number; headers: http.IncomingHttpHeaders; body: string; path: string };
export type Answer = { status: number; headers?: Record<string, string>; body?: string };

export async function startReceiver(answer: (req: Received, n: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), path: req.url ?? "/" };
      received.push(r);
      const a = answer(r, received.length);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function allowLoopback(ctx: TestContext, ws: TestWorkspace) {
  const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { actions: { webhookAllowList: ["127.0.0.1"] } } });
  expect(res.status).toBe(200);
}

export async function createEndpoint(ctx: TestContext, ws: TestWorkspace, url: string, eventTypes: string[] = ["alert.opened"]) {
  const res = await ctx.request("/v1/webhook-endpoints", { key: ws.keys.admin, json: { url, eventTypes } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

/** A customer whose last half year of purchases (500,000 KRW in 5 orders) makes them Platinum: tasks are for Platinum+. */
export const vipHistory = (id: string) =>
  Array.from({ length: 5 }, (_, i) => signal.purchase(id, daysAgo(20 + i * 30), { data: { amount: 100_000 } }));

export const defection = (id: string, rivalSpend = 120_000) => [
  signal.competitorAppUsage(id, daysAgo(3), { data: { competitor: "rival-beauty", app: "rival-beauty" } }),
  signal.competitorAppUsage(id, daysAgo(2), { data: { competitor: "glowmall", app: "glowmall" } }),
  signal.competitorAppUsage(id, daysAgo(1), { data: { competitor: "skinnow", app: "skinnow" } }),
  signal.competitorPurchase(id, daysAgo(1), { data: { competitor: "rival-beauty", amount: rivalSpend } }),
];

/** Pushes the worked scenario for `customerId` and scores it: one open alert with its outbox rows. */
export async function raiseAlert(ctx: TestContext, ws: TestWorkspace, customerId: string): Promise<string> {
  const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [...vipHistory(customerId), ...defection(customerId)] } });
  expect(res.status).toBe(200);
  await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: [customerId] });
  const [alert] = await ctx.database.sql<{ id: string }[]>`
    select id from alerts where workspace_id = ${ws.id} and customer_id = ${customerId} and status <> 'resolved'`;
  expect(alert).toBeDefined();
  return alert!.id;
}

export const count = async (ctx: TestContext, table: string, workspaceId: string) =>
  Number((await ctx.database.sql`select count(*)::int as n from ${ctx.database.sql(table)} where workspace_id = ${workspaceId}`)[0]!.n);

/** An endpoint for the alert's events, a manager for its task and a webhook campaign the default pack's rule enrolls into. */
export async function prepareActions(ctx: TestContext, ws: TestWorkspace, receiverUrl: string) {
  await allowLoopback(ctx, ws);
  await createEndpoint(ctx, ws, receiverUrl, ["alert.opened", "task.created", "campaign.enrollment.created"]);
  await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "kim", name: "Kim", email: "kim@brand.test" } });
  // Every workspace starts with this campaign, paused: turn it on.
  await ctx.request("/v1/campaigns/vip-competitor-winback", {
    method: "PATCH",
    key: ws.keys.marketer,
    json: { status: "active", template: { body: "Come back" }, coupon: null, holdoutPercent: 0, advertising: false },
  });
}
