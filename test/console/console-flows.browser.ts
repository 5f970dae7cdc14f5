/// <reference lib="dom" />
// The console in real Chromium against the real app, workers and PostgreSQL: what a marketer
// and an account manager do in their first hour.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { launchBrowser, pageErrors, signedIn } from "./browser.ts";
import { CASE_CUSTOMER, MANAGER_ID, seedWorld, startServer } from "./world.ts";

const ctx = useTestContext();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let ws: TestWorkspace;

beforeAll(async () => {
  // The browser reads the real clock; the service's pinned one is a little ahead, as a
  // server's would be by the time a request arrives.
  ctx.setNow(new Date(Date.now() + 15 * 60_000));
  ctx.startWorkers();
  ws = await ctx.workspace("Glow Cosmetics");
  server = await startServer(ctx);
  [browser] = await Promise.all([launchBrowser(), seedWorld(ctx, server.baseUrl, ws.id, ws.keys)]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe("console", { timeout: 90_000 }, () => {
  it("signs in with a key it does not keep, and signing out ends the session on the server", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.admin);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.documentElement.outerHTML);
    expect(stored).not.toContain(ws.keys.admin);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: "rw_session", httpOnly: true, sameSite: "Strict" });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    // The old cookie no longer opens anything.
    const res = await ctx.request("/v1/sessions/current", { headers: { cookie: `rw_session=${cookie!.value}` } });
    expect(res.status).toBe(401);
    await page.context().close();
  });

  it("shows the Gold VIP at competitors in the inbox, and their page says why", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto("/console/alerts");
    const row = page.getByRole("row").filter({ hasText: CASE_CUSTOMER });
    await row.getByText("경쟁사 앱 3개 사용").waitFor();
    await row.getByRole("link", { name: CASE_CUSTOMER }).click();
    await page.getByRole("heading", { name: /Alert/ }).waitFor();
    await page.getByRole("link", { name: CASE_CUSTOMER }).first().click();
    await page.getByRole("heading", { name: "이서연" }).waitFor();
    const reasons = page.locator(".score-reasons");
    await reasons.getByText(/경쟁사 앱 3개 사용 \(.*GlowMall.*\)/).first().waitFor();
    await reasons.getByText(/경쟁사 구매액 120,000원/).first().waitFor();
    // The signal timeline shows the evidence's provider, confidence and consent.
    const evidence = page.getByRole("row").filter({ hasText: "competitor_purchase" }).first();
    await evidence.getByText("demo-card-panel").waitFor();
    await evidence.getByText("consent", { exact: true }).waitFor();
    await page.context().close();
  });

  it("labels an alert from the inbox row", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto("/console/alerts");
    await page.getByLabel(`Label ${(await caseAlert()).id}`).selectOption("real_risk");
    await page.getByRole("row").filter({ hasText: CASE_CUSTOMER }).getByText("Real risk", { exact: true }).first().waitFor();
    expect((await caseAlert()).label).toBe("real_risk");
    await page.context().close();
  });

  it("builds a rule, tries it on a customer, backtests it, saves it as shadow and takes it live", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.marketer);
    await page.goto("/console/rules");
    await page.getByRole("link", { name: "New rule" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Rival app hoppers");
    await page.getByLabel("Id", { exact: true }).fill("rival-app-hoppers");
    // The first condition: distinct competitor apps in 30 days ≥ 3.
    const first = page.locator(".leaf").first();
    await first.getByLabel("Value").fill("3");
    await page.getByRole("button", { name: "+ Add condition" }).click();
    const second = page.locator(".leaf").nth(1);
    await second.getByLabel("Fact").selectOption("competitorSpend30d");
    await second.getByLabel("Operator").selectOption("greaterThanInclusive");
    await second.getByLabel(/Value/).fill("100000");
    // The JSON view follows the builder.
    await expect.poll(() => page.getByLabel("JSON").inputValue()).toContain('"value": 100000');
    // A mistake is shown at its field and nothing is saved.
    await page.getByLabel("Points", { exact: true }).fill("500");
    await page.getByRole("button", { name: "Save as shadow" }).click();
    await page.locator(".field.invalid").filter({ hasText: "Points" }).getByRole("alert").waitFor();
    await page.getByLabel("Points", { exact: true }).fill("25");

    await page.getByLabel("Customer id").fill(CASE_CUSTOMER);
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Matches" }).waitFor();

    await page.getByRole("button", { name: "Run backtest" }).click();
    await page.locator(".backtest canvas").first().waitFor();
    await expect(page.locator(".backtest tbody tr").count()).resolves.toBeGreaterThan(5);

    await page.getByRole("button", { name: "Save as shadow" }).click();
    await page.waitForURL("**/console/rules/rival-app-hoppers");
    await page.locator(".page-head .badge").filter({ hasText: "Shadow" }).waitFor();
    await page.getByRole("button", { name: "Go live" }).click();
    await page.locator(".page-head .badge").filter({ hasText: "Live" }).waitFor();
    const rule = await readJson(await ctx.request("/v1/rules/rival-app-hoppers", { key: ws.keys.marketer }));
    expect(rule.definition).toMatchObject({
      mode: "live",
      points: 25,
      conditions: { all: [{ fact: "competitorApps30d", operator: "greaterThanInclusive", value: 3 }, { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100000 }] },
    });
    await page.context().close();
  });

  it("lets a manager complete their task with an outcome", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto("/console/tasks");
    await page.getByLabel("Which manager are you?").selectOption(MANAGER_ID);
    const card = page.locator(".task").filter({ hasText: CASE_CUSTOMER });
    await card.getByLabel("Outcome").selectOption("retained");
    await card.getByRole("button", { name: "Complete" }).click();
    await card.waitFor({ state: "detached" });
    const tasks = await readJson(await ctx.request(`/v1/tasks?managerId=${MANAGER_ID}&status=done`, { key: ws.keys.manager }));
    expect(tasks.tasks.find((t: { customerId: string }) => t.customerId === CASE_CUSTOMER)).toMatchObject({ status: "done", outcome: "retained" });
    await page.context().close();
  });

  it("switches between English and Korean, and remembers the choice", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.admin);
    await page.getByLabel("Language").selectOption("ko");
    await page.getByRole("heading", { name: "개요" }).waitFor();
    await page.getByRole("link", { name: "알림" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "개요" }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe("ko");
    await page.context().close();
  });

  it("shows a manager no rule editing, and the API refuses them anyway", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto("/console/rules");
    await page.getByRole("link", { name: "VIP moving to competitors" }).waitFor();
    await expect(page.getByRole("link", { name: "New rule" }).count()).resolves.toBe(0);
    await page.getByRole("link", { name: "VIP moving to competitors" }).click();
    await page.getByText("Your key's role can read rules but not change them.").waitFor();
    await expect(page.getByRole("button", { name: /Save|Go live|Switch off/ }).count()).resolves.toBe(0);
    await expect(page.getByLabel("Name", { exact: true }).isDisabled()).resolves.toBe(true);
    const status = await page.evaluate(async () => {
      const { csrfToken } = await (await fetch("/v1/sessions/current")).json();
      const res = await fetch("/v1/rules/vip-competitor-defection", { method: "PATCH", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: '{"mode":"off"}' });
      return res.status;
    });
    expect(status).toBe(403);
    await page.context().close();
  });
});

async function caseAlert() {
  const body = await readJson(await ctx.request(`/v1/alerts?customerId=${CASE_CUSTOMER}`, { key: ws.keys.manager }));
  return body.alerts[0] as { id: string; label: string | null };
}
