// A workspace worth looking at, for the console's browser tests and its screenshots: the demo's
// 50 customers, plus the case the product is about — a Gold VIP (이서연) who uses three rival
// apps and spent 120,000 KRW at competitors this month — with a manager who gets the task.
// Everything but the demo's bulk load goes through the public API, as an integrator would.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Deps } from "../../src/deps.ts";
import { loadDemoData } from "../../src/demo/demo.ts";
import { createApp } from "../../src/http/app.ts";

export const CASE_CUSTOMER = "vip-0001";
export const MANAGER_ID = "mgr-kim";
export const WINBACK = "vip-competitor-winback";

/** Serves the real app on a free port. */
export async function startServer(deps: Deps): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(baseUrl: string, key: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<any> {
  const res = await fetch(baseUrl + path, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${key}`, ...(init.json === undefined ? {} : { "content-type": "application/json" }) },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${init.method ?? "POST"} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export type WorldKeys = { admin: string; marketer: string; manager: string; ingest: string };

/** Settings, a manager, the demo and the case customer; then waits for the case's alert and task. */
export async function seedWorld(deps: Deps, baseUrl: string, workspaceId: string, keys: WorldKeys): Promise<void> {
  const adminKey = keys.admin;
  // Gold customers get account-manager tasks too, so the case gets one without a model fit.
  await call(baseUrl, adminKey, "/v1/workspace/settings", { method: "PATCH", json: { actions: { taskTiers: ["Gold", "Platinum", "Diamond"] } } });
  await call(baseUrl, adminKey, "/v1/managers", { json: { id: MANAGER_ID, name: "김민지", email: "minji.kim@example.com" } });
  // The win-back campaign the pack's VIP rule asks for, turned on: the case is enrolled.
  await call(baseUrl, keys.marketer, `/v1/campaigns/${WINBACK}`, { method: "PATCH", json: { status: "active" } });
  await loadDemoData(deps, { workspaceId, customers: 50 });
  await call(baseUrl, keys.manager, `/v1/customers/${CASE_CUSTOMER}`, { method: "PUT", json: { name: "이서연", email: "seoyeon.lee@example.com", managerId: MANAGER_ID } });
  const now = deps.clock().getTime();
  const day = 86_400_000;
  const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();
  const signals: unknown[] = [];
  // 350,000 KRW over five orders in half a year, the last two months ago: Gold, not more.
  for (let i = 0; i < 5; i++) {
    signals.push({ id: `case-p${i}`, customerId: CASE_CUSTOMER, type: "purchase", occurredAt: at(160 - i * 25), data: { orderId: `case-o${i}`, amount: 70_000, currency: "KRW", category: "skincare" } });
    signals.push({ id: `case-s${i}`, customerId: CASE_CUSTOMER, type: "session", occurredAt: at(160 - i * 25), data: { durationSeconds: 600, channel: "app" } });
  }
  const rivals = [["rival-beauty", "Rival Beauty"], ["glowmall", "GlowMall"], ["skinnow", "SkinNow"]] as const;
  rivals.forEach(([competitor, app], i) => {
    signals.push({ id: `case-u${i}`, customerId: CASE_CUSTOMER, type: "competitor_app_usage", occurredAt: at(3), source: "demo-panel", consentBasis: "consent", confidence: 0.9, data: { competitor, app, sessions: 12, minutes: 95 } });
  });
  signals.push({ id: "case-c1", customerId: CASE_CUSTOMER, type: "competitor_purchase", occurredAt: at(6), source: "demo-card-panel", consentBasis: "consent", confidence: 0.95, data: { competitor: "rival-beauty", amount: 70_000, currency: "KRW" } });
  signals.push({ id: "case-c2", customerId: CASE_CUSTOMER, type: "competitor_purchase", occurredAt: at(4), source: "demo-card-panel", consentBasis: "consent", confidence: 0.95, data: { competitor: "glowmall", amount: 50_000, currency: "KRW" } });
  await call(baseUrl, keys.ingest, "/v1/signals", { json: { signals } });
  // The pipeline runs in the workers: wait for the case's alert and the manager's task.
  const until = Date.now() + 120_000;
  for (;;) {
    const tasks = await call(baseUrl, keys.manager, `/v1/tasks?managerId=${MANAGER_ID}`);
    if (tasks.tasks.some((t: { customerId: string }) => t.customerId === CASE_CUSTOMER)) break;
    if (Date.now() > until) throw new Error(`the case customer's task did not appear within 120 s; ${await caseState(deps, workspaceId)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Where the case's pipeline stopped, for the message of a seeding that timed out. */
async function caseState(deps: Deps, workspaceId: string): Promise<string> {
  const { sql } = deps.database;
  const state = {
    alerts: await sql`select id, status, tier, score, rule_versions, holdout from alerts where workspace_id = ${workspaceId} and customer_id = ${CASE_CUSTOMER}`,
    outbox: await sql`select key, processed_at from outbox where workspace_id = ${workspaceId} and customer_id = ${CASE_CUSTOMER}`,
    tasks: await sql`select id, manager_id, status from tasks where workspace_id = ${workspaceId} and customer_id = ${CASE_CUSTOMER}`,
  };
  return JSON.stringify(state);
}
