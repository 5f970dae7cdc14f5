// /metrics: operators only on the API port, open on METRICS_PORT; counters move with what
// happened, labelled by route template and never by raw path; scrape-time gauges read the
// database.
import { beforeAll, describe, expect, it } from "vitest";
import { startMetricsServer } from "../../src/metrics/http.ts";
import { eventually, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { count, prepareActions, raiseAlert, startReceiver } from "../actions/support.ts";

const ctx = useTestContext();

async function scrape(key: string): Promise<string> {
  const res = await ctx.request("/metrics", { key });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

/** The value of one sample (0 when absent); labels must match exactly, in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await ctx.workspace();
});

describe("/metrics on the API port", () => {
  it("asks for an admin key and refuses other roles", async () => {
    const none = await ctx.request("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await ctx.request("/metrics", { key: ws.keys.manager })).status).toBe(401);
    const basic = await ctx.request("/metrics", { headers: { authorization: `Basic ${Buffer.from(`ops:${ws.keys.admin}`).toString("base64")}` } });
    expect(basic.status).toBe(200);
  });

  it("counts requests by route template, method and status, never by raw path", async () => {
    const before = await scrape(ws.keys.admin);
    const labels = { route: "/v1/customers/:customerId", method: "GET", status: "404" };
    await ctx.request("/v1/customers/nobody-123", { key: ws.keys.manager });
    await ctx.request("/v1/customers/nobody-456", { key: ws.keys.manager });
    const after = await scrape(ws.keys.admin);
    expect(sample(after, "rivalwatch_http_requests_total", labels) - sample(before, "rivalwatch_http_requests_total", labels)).toBe(2);
    expect(after).not.toContain("nobody-123");
    expect(sample(after, "rivalwatch_http_request_duration_seconds_count", { route: "/v1/customers/:customerId", method: "GET" })).toBeGreaterThanOrEqual(2);
  });

  it("counts signals per type as accepted, duplicate, conflict and rejected", async () => {
    const before = await scrape(ws.keys.admin);
    const p = signal.purchase("m-1", daysAgo(2));
    const res = await ctx.request("/v1/signals", {
      key: ws.keys.ingest,
      json: { signals: [p, signal.purchase("m-1", daysAgo(1)), p, { ...signal.session("m-1", daysAgo(1)), data: { durationSeconds: -5, channel: "app" } }] },
    });
    expect(res.status).toBe(200);
    // The same id again with another amount: a conflict, not a duplicate.
    const reused = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [{ ...p, data: { ...p.data, amount: 1 } }] } });
    expect(reused.status).toBe(200);
    const after = await scrape(ws.keys.admin);
    const delta = (labels: Record<string, string>) => sample(after, "rivalwatch_signals_total", labels) - sample(before, "rivalwatch_signals_total", labels);
    expect(delta({ type: "purchase", result: "accepted" })).toBe(2);
    expect(delta({ type: "purchase", result: "duplicate" })).toBe(1);
    expect(delta({ type: "session", result: "rejected" })).toBe(1);
    expect(delta({ type: "purchase", result: "conflict" })).toBe(1);
  });

  it("reads the refresh backlog, queue depths and database connections at scrape time", async () => {
    // No workers run in this file until the last test: the requests just stored wait.
    const [row] = await ctx.database.sql<{ n: number }[]>`select count(*)::int as n from refresh_requests`;
    expect(row!.n).toBeGreaterThan(0);
    const text = await scrape(ws.keys.admin);
    expect(sample(text, "rivalwatch_refresh_requests_waiting")).toBe(row!.n);
    expect(sample(text, "rivalwatch_refresh_oldest_request_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "rivalwatch_queue_jobs", { queue: "features", state: "waiting" }) + sample(text, "rivalwatch_queue_jobs", { queue: "features", state: "delayed" })).toBeGreaterThan(0);
    expect(sample(text, "rivalwatch_db_connections", { state: "active" })).toBeGreaterThanOrEqual(1);
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(text).toContain("process_resident_memory_bytes");
  });
});

describe("METRICS_PORT", () => {
  it("serves the same exposition without authentication", async () => {
    const server = await startMetricsServer(ctx);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("rivalwatch_signals_total");
    } finally {
      await server.close();
    }
  });
});

describe("the pipeline's counters", () => {
  it("count the alert, its task, its enrollment and its webhook attempts, and the jobs that did them", async () => {
    ctx.startWorkers();
    const receiver = await startReceiver();
    try {
      const before = await scrape(ws.keys.admin);
      await prepareActions(ctx, ws, receiver.url);
      await raiseAlert(ctx, ws, "vip");
      // The drain writes task.created and campaign.enrollment.created rows; drain until every event went out.
      await eventually(async () => {
        if (receiver.received.length >= 3) return true;
        await ctx.jobs.add("drainOutbox", {});
        await new Promise((r) => setTimeout(r, 200));
        return undefined;
      }, 20_000);
      expect(await count(ctx, "tasks", ws.id)).toBe(1);
      const after = await scrape(ws.keys.admin);
      const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
      const [alert] = await ctx.database.sql<{ severity: string }[]>`select severity from alerts where workspace_id = ${ws.id} and customer_id = 'vip'`;
      expect(delta("rivalwatch_alerts_opened_total", { severity: alert!.severity, rule: "vip-competitor-defection" })).toBe(1);
      expect(delta("rivalwatch_tasks_opened_total", { severity: alert!.severity })).toBe(1);
      expect(delta("rivalwatch_campaign_enrollments_total", { arm: "treated" })).toBe(1);
      expect(delta("rivalwatch_webhook_attempts_total", { outcome: "succeeded" })).toBe(3);
      expect(delta("rivalwatch_webhook_attempt_duration_seconds_count", { outcome: "succeeded" })).toBe(3);
      expect(delta("rivalwatch_jobs_finished_total", { queue: "outbox", job: "drain-outbox", outcome: "completed" })).toBeGreaterThanOrEqual(1);
      expect(delta("rivalwatch_job_duration_seconds_count", { queue: "deliveries", job: "deliver-webhook" })).toBe(3);
    } finally {
      await receiver.close();
    }
  });
});

describe("the Grafana dashboard", () => {
  it("only charts metrics the service exposes", async () => {
    const { readFile } = await import("node:fs/promises");
    const { registry } = await import("../../src/metrics/metrics.ts");
    const dashboard = await readFile(new URL("../../docs/grafana/rivalwatch.json", import.meta.url), "utf8");
    const used = new Set([...dashboard.matchAll(/\b(rivalwatch_\w+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, "")));
    const exposed = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });
});
