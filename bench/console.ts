// Server time per console page (issue 13: under 300 ms on the demo workspace). A fresh
// database seeded as the console's browser tests are (test/console/world.ts: the demo's
// customers, a manager, the case customer with an alert, a task and an enrollment), then
// each page's API calls — the ones console/src/pages/*.tsx make on opening the page, with an
// admin's console session — asked `repeats` times over HTTP; the service's time is read from each answer's
// Server-Timing header (src/http/server-timing.ts). A page's server time is the sum of its
// calls' medians: the browser sends them together, so this is an upper bound.
import { JobQueues } from "../jobs/runtime.ts";
import { startWorkers } from "../jobs/handlers.ts";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { loadDemoData } from "../src/demo/demo.ts";
import type { Deps } from "../src/deps.ts";
import { createLogger } from "../src/log.ts";
import { createApiKey } from "../src/workspaces/api-keys.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { CASE_CUSTOMER, MANAGER_ID, seedWorld, startServer } from "../test/console/world.ts";
import { benchRedisUrl, freshDatabase, machineFacts, percentile } from "./support.ts";

type Call = { path: string; method?: "GET" | "POST"; body?: unknown };

export const PAGE_BUDGET_MS = 300;

export async function runConsoleBench(opts: { customers?: number; repeats?: number } = {}) {
  const repeats = opts.repeats ?? 15;
  const { database, drop } = await freshDatabase("console");
  const jobs = new JobQueues({ backend: { kind: "redis", url: benchRedisUrl() }, prefix: `{rwconsole-${process.pid}}` });
  const config = loadConfig({ LOG_LEVEL: "silent", DATABASE_URL: database.url });
  const deps: Deps = { database, jobs, config, log: createLogger("warn"), clock: systemClock };
  const workers = startWorkers(deps, jobs);
  const server = await startServer(deps);
  try {
    const { workspace, apiKey } = await createWorkspace(database.db, { name: "Glow Cosmetics" });
    const keys = { admin: apiKey.key } as Record<"admin" | "marketer" | "manager" | "ingest", string>;
    for (const role of ["marketer", "manager", "ingest"] as const) keys[role] = (await createApiKey(database.db, { workspaceId: workspace.id, name: role, role })).key;
    await seedWorld(deps, server.baseUrl, workspace.id, keys);
    // A larger demo than the default 50 when asked (same ids: the first 50 are the same customers).
    if ((opts.customers ?? 50) > 50) await loadDemoData(deps, { workspaceId: workspace.id, customers: opts.customers! });
    // Measure a quiet service: the workers' follow-up work is done and they are stopped.
    await Promise.allSettled(workers.map((w) => w.close()));
    workers.length = 0;

    // Signed in as the console is: the session cookie and its CSRF token, not the key.
    const signIn = await fetch(`${server.baseUrl}/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey: keys.admin }) });
    if (signIn.status !== 201) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const headers = { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" };
    const ask = async (call: Call) => {
      const res = await fetch(server.baseUrl + call.path, { method: call.method ?? "GET", headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) });
      const body = await res.json();
      if (!res.ok) throw new Error(`${call.method ?? "GET"} ${call.path}: ${res.status} ${JSON.stringify(body)}`);
      const timing = /app;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
      if (!timing) throw new Error(`${call.path}: no Server-Timing header`);
      return { body, ms: Number(timing[1]) };
    };
    const { body: alertList } = await ask({ path: `/v1/alerts?customerId=${CASE_CUSTOMER}` });
    const alertId: string = alertList.alerts[0].id;
    const { body: ruleList } = await ask({ path: "/v1/rules" });
    const ruleIds: string[] = ruleList.rules.map((r: { id: string }) => r.id);
    const liveRuleIds: string[] = ruleList.rules.filter((r: { mode: string }) => r.mode === "live").map((r: { id: string }) => r.id);
    const performance = (ids: string[]) => ids.map((id) => ({ path: `/v1/rules/${encodeURIComponent(id)}/performance` }));
    const studioRule = "vip-competitor-defection";
    const { body: studio } = await ask({ path: `/v1/rules/${studioRule}` });
    const day = 86_400_000;

    const pages: { page: string; url: string; calls: Call[] }[] = [
      { page: "Shell (every first load)", url: "—", calls: [{ path: "/v1/sessions/current" }, { path: "/v1/workspace" }] },
      { page: "Overview", url: "/console", calls: [{ path: "/v1/overview" }, { path: "/v1/alerts?sort=valueAtRisk&status=open&limit=10" }, { path: "/v1/model" }, { path: "/v1/rules" }, ...performance(liveRuleIds)] },
      { page: "Alert inbox", url: "/console/alerts", calls: [{ path: "/v1/rules" }, { path: "/v1/alerts?limit=25" }] },
      { page: "Alert", url: "/console/alerts/{alertId}", calls: [{ path: `/v1/alerts/${alertId}` }] },
      { page: "Customers", url: "/console/customers", calls: [{ path: "/v1/customers?limit=50" }] },
      {
        page: "Customer 360",
        url: "/console/customers/{customerId}",
        calls: [
          `/v1/customers/${CASE_CUSTOMER}`, `/v1/customers/${CASE_CUSTOMER}/tiers`, `/v1/customers/${CASE_CUSTOMER}/scores?limit=100`,
          `/v1/customers/${CASE_CUSTOMER}/signals?limit=50`, `/v1/alerts?customerId=${CASE_CUSTOMER}&limit=20`, `/v1/tasks?customerId=${CASE_CUSTOMER}&status=open`,
          `/v1/customers/${CASE_CUSTOMER}/enrollments?limit=20`, "/v1/rules/facts",
        ].map((path) => ({ path })),
      },
      { page: "Rules", url: "/console/rules", calls: [{ path: "/v1/rules" }, ...performance(ruleIds)] },
      { page: "Rule studio", url: "/console/rules/{ruleId}", calls: [{ path: "/v1/rules/facts" }, { path: `/v1/rules/${studioRule}` }, ...performance([studioRule])] },
      { page: "Rule studio: try on a customer", url: "(button)", calls: [{ path: "/v1/rules/dry-run", method: "POST", body: { rule: studio.definition, customerId: CASE_CUSTOMER } }] },
      {
        page: "Rule studio: backtest (91 days, weekly)",
        url: "(button)",
        calls: [{ path: "/v1/rules/backtest", method: "POST", body: { rule: studio.definition, from: new Date(Date.now() - 91 * day).toISOString(), to: new Date().toISOString(), stepDays: 7, limit: 50 } }],
      },
      { page: "Campaigns", url: "/console/campaigns", calls: [{ path: "/v1/campaigns" }] },
      { page: "Campaign", url: "/console/campaigns/{campaignId}", calls: [{ path: "/v1/campaigns/vip-competitor-winback" }, { path: "/v1/campaigns/vip-competitor-winback/stats" }] },
      { page: "Tasks", url: "/console/tasks", calls: [{ path: "/v1/managers" }, { path: `/v1/tasks?managerId=${MANAGER_ID}` }, { path: `/v1/digests/${MANAGER_ID}/latest` }, { path: `/v1/digests/${MANAGER_ID}/preview` }] },
      {
        page: "Settings",
        url: "/console/settings",
        calls: [
          { path: "/v1/workspace" }, { path: "/v1/rules" }, { path: "/v1/api-keys" }, { path: "/v1/webhook-endpoints" }, { path: "/v1/deliveries?limit=20" },
          { path: "/v1/webhook-sources" }, { path: "/v1/competitors" }, { path: "/v1/tiers/preview", method: "POST", body: { cutoffs: { Silver: 20, Gold: 40, Platinum: 65, Diamond: 85 } } },
        ],
      },
    ];
    // A digest to read, as a manager who has used the console would have.
    await ask({ path: `/v1/digests/${MANAGER_ID}/send`, method: "POST" });

    const rows = [];
    for (const p of pages) {
      const calls = [];
      for (const call of p.calls) {
        await ask(call); // warm: the first answer pays for plans and caches
        const times: number[] = [];
        for (let i = 0; i < repeats; i++) times.push((await ask(call)).ms);
        times.sort((a, b) => a - b);
        calls.push({ call: `${call.method ?? "GET"} ${call.path}`, medianMs: percentile(times, 50), p90Ms: percentile(times, 90) });
      }
      const serverMs = Math.round(calls.reduce((a, c) => a + c.medianMs, 0) * 10) / 10;
      const slowest = calls.reduce((a, c) => (c.medianMs > a.medianMs ? c : a));
      rows.push({ page: p.page, url: p.url, calls: calls.length, serverMs, slowestCall: `${slowest.call} (${slowest.medianMs} ms)`, withinBudget: serverMs < PAGE_BUDGET_MS, detail: calls });
    }
    const { count } = (await database.sql<{ count: number }[]>`select count(*)::int as count from customers where workspace_id = ${workspace.id}`)[0]!;
    return { name: "console", sizes: { customers: count, repeats }, budgetMs: PAGE_BUDGET_MS, pages: rows, machine: await machineFacts(database) };
  } finally {
    await Promise.allSettled(workers.map((w) => w.close()));
    await server.close();
    await jobs.close();
    await drop();
  }
}
