// Screenshots of every console page (docs/console/*.png) and the JavaScript each page loads
// (gzip), measured in Chromium on a fresh workspace seeded like the browser tests.
//   npm run console:screenshots   (needs PostgreSQL: DATABASE_URL, default the local server;
//                                  REDIS_URL optional; Chromium at /usr/bin/chromium)
/// <reference lib="dom" />
import { mkdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import postgres from "postgres";
import type { Page } from "playwright-core";
import { startWorkers } from "../jobs/handlers.ts";
import { loadConfig } from "../src/config.ts";
import { createRuntime } from "../src/runtime.ts";
import { createApiKey } from "../src/workspaces/api-keys.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { launchBrowser } from "../test/console/browser.ts";
import { CASE_CUSTOMER, MANAGER_ID, seedWorld, startServer } from "../test/console/world.ts";

const base = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const dbName = `rivalwatch_console_screens_${process.pid}`;
const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${dbName}"`);
const url = new URL(base);
url.pathname = `/${dbName}`;
const runtime = await createRuntime(loadConfig({ ...process.env, DATABASE_URL: url.toString(), QUEUE_PREFIX: `{rwscreens-${process.pid}}`, LOG_LEVEL: "error" }));
const workers = startWorkers(runtime, runtime.jobs);
const server = await startServer(runtime);
const browser = await launchBrowser();
try {
  const { workspace, apiKey } = await createWorkspace(runtime.database.db, { name: "Glow Cosmetics" });
  const keys = { admin: apiKey.key } as Record<"admin" | "marketer" | "manager" | "ingest", string>;
  for (const role of ["marketer", "manager", "ingest"] as const) keys[role] = (await createApiKey(runtime.database.db, { workspaceId: workspace.id, name: role, role })).key;
  await seedWorld(runtime, server.baseUrl, workspace.id, keys);
  const alertId = ((await (await fetch(`${server.baseUrl}/v1/alerts?customerId=${CASE_CUSTOMER}`, { headers: { authorization: `Bearer ${keys.admin}` } })).json()) as { alerts: { id: string }[] }).alerts[0]!.id;

  const shots: { name: string; path: string; lang?: string; ready: (p: Page) => Promise<unknown>; then?: (p: Page) => Promise<unknown> }[] = [
    { name: "overview", path: "/console", ready: (p) => p.locator("table").first().waitFor() },
    { name: "alerts", path: "/console/alerts", ready: (p) => p.getByRole("row").filter({ hasText: CASE_CUSTOMER }).waitFor() },
    { name: "alert", path: `/console/alerts/${alertId}`, ready: (p) => p.locator(".reasons").waitFor() },
    { name: "customers", path: "/console/customers", ready: (p) => p.getByRole("link", { name: CASE_CUSTOMER }).waitFor() },
    { name: "customer", path: `/console/customers/${CASE_CUSTOMER}`, ready: (p) => p.locator(".score-reasons li").first().waitFor() },
    { name: "rules", path: "/console/rules", ready: (p) => p.getByRole("link", { name: "VIP moving to competitors" }).waitFor() },
    {
      name: "rule-studio",
      path: "/console/rules/vip-competitor-defection",
      ready: (p) => p.locator(".leaf").first().waitFor(),
      then: async (p) => {
        await p.getByLabel("Customer id").fill(CASE_CUSTOMER);
        await p.getByRole("button", { name: "Run", exact: true }).click();
        await p.getByRole("status").filter({ hasText: "Matches" }).waitFor();
        await p.getByRole("button", { name: "Run backtest" }).click();
        await p.locator(".backtest canvas").first().waitFor();
      },
    },
    { name: "campaigns", path: "/console/campaigns", ready: (p) => p.getByRole("heading", { name: "Campaigns" }).waitFor() },
    {
      name: "campaign",
      path: "/console/campaigns/vip-reactivation",
      ready: (p) => p.getByRole("region", { name: "Preview for a customer" }).waitFor(),
      then: async (p) => {
        const preview = p.getByRole("region", { name: "Preview for a customer" });
        await preview.getByLabel("Customer id").fill(CASE_CUSTOMER);
        await preview.getByRole("button", { name: "Preview" }).click();
        await preview.getByRole("status").waitFor();
      },
    },
    { name: "campaign-new", path: "/console/campaigns/new", ready: (p) => p.getByRole("heading", { name: "New campaign" }).waitFor() },
    {
      name: "tasks",
      path: "/console/tasks",
      ready: (p) => p.getByLabel("Which manager are you?").waitFor(),
      then: async (p) => {
        await p.getByLabel("Which manager are you?").selectOption(MANAGER_ID);
        await p.locator(".task").first().waitFor();
      },
    },
    { name: "settings", path: "/console/settings", ready: (p) => p.getByRole("heading", { name: "API keys" }).waitFor() },
    { name: "overview-ko", path: "/console", lang: "ko-KR", ready: (p) => p.locator("table").first().waitFor() },
    { name: "customer-ko", path: `/console/customers/${CASE_CUSTOMER}`, lang: "ko-KR", ready: (p) => p.locator(".score-reasons li").first().waitFor() },
  ];
  await mkdir("docs/console", { recursive: true });
  const sizes: { page: string; path: string; scripts: number; jsBytes: number; jsGzip: number }[] = [];
  const contexts = new Map<string, Page>();
  async function pageFor(locale: string) {
    let page = contexts.get(locale);
    if (!page) {
      const context = await browser.newContext({ baseURL: server.baseUrl, locale, viewport: { width: 1360, height: 900 } });
      page = await context.newPage();
      await page.goto("/console");
      await page.getByLabel(locale === "ko-KR" ? "API 키" : "API key").fill(keys.admin);
      await page.getByRole("button", { name: locale === "ko-KR" ? "로그인" : "Sign in" }).click();
      await page.getByRole("navigation").first().waitFor();
      contexts.set(locale, page);
    }
    return page;
  }
  for (const shot of shots) {
    const page = await pageFor(shot.lang ?? "en-US");
    await page.goto(shot.path);
    await shot.ready(page);
    await shot.then?.(page);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    await page.screenshot({ path: `docs/console/${shot.name}.png`, fullPage: true });
    // Every script this document loaded (the shell and the page's chunks), as served.
    const urls = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((u) => u.endsWith(".js")));
    const bodies = await Promise.all([...new Set(urls)].map(async (u) => Buffer.from(await (await fetch(u)).arrayBuffer())));
    sizes.push({ page: shot.name, path: shot.path, scripts: bodies.length, jsBytes: bodies.reduce((a, b) => a + b.length, 0), jsGzip: bodies.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0) });
    process.stdout.write(`docs/console/${shot.name}.png\n`);
  }
  await writeFile("docs/console/sizes.json", JSON.stringify(sizes, null, 2) + "\n");
  process.stdout.write("\n| page | URL | scripts | JS | JS gzip |\n|---|---|---|---|---|\n");
  for (const s of sizes) process.stdout.write(`| ${s.page} | \`${s.path.replace(alertId, "{alertId}")}\` | ${s.scripts} | ${(s.jsBytes / 1024).toFixed(1)} KiB | ${(s.jsGzip / 1024).toFixed(1)} KiB |\n`);
} finally {
  await browser.close();
  await server.close();
  await Promise.allSettled(workers.map((w) => w.close()));
  await runtime.close();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}
