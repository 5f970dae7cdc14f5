/// <reference lib="dom" />
// The console in real Chromium against the real app, workers and PostgreSQL: what a marketer
// and an account manager do in their first hour.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { launchBrowser, pageErrors, signedIn } from "./browser.ts";
import { CASE_CUSTOMER, MANAGER_ID, seedWorld, startServer, WINBACK } from "./world.ts";

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
    // The row shows the top rule's reasons: since the pack judges each customer against their own
    // usual level, that is the wallet moving to a rival ("…경쟁사 구매액 120,000원").
    await row.getByText(/경쟁사 구매액 120,000원/).first().waitFor();
    await row.getByRole("link", { name: CASE_CUSTOMER }).click();
    await page.getByRole("heading", { name: /Alert/ }).waitFor();
    await page.getByRole("link", { name: CASE_CUSTOMER }).first().click();
    await page.getByRole("heading", { name: "이서연" }).waitFor();
    const reasons = page.locator(".score-reasons");
    await reasons.getByText(/경쟁사 앱 3개 사용 \(.*GlowMall.*\)/).first().waitFor();
    await reasons.getByText(/경쟁사 구매액 120,000원/).first().waitFor();
    // The signal timeline shows the evidence's provider, confidence and consent.
    const evidence = page.getByRole("row").filter({ hasText: "competitor purchase" }).first();
    await evidence.getByText("demo-card-panel").waitFor();
    await evidence.getByText("consent", { exact: true }).waitFor();
    await page.context().close();
  });

  it("filters the inbox by rule on the server, choosing the rule by name", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto("/console/alerts");
    await page.getByRole("row").filter({ hasText: CASE_CUSTOMER }).waitFor();
    const rule = "vip-long-silence";
    // The filter's label wraps its select, so its name also holds the chosen option ("Rule All").
    await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname === "/v1/alerts" && new URL(r.url()).searchParams.get("rule") === rule),
      page.getByRole("combobox", { name: /^Rule/ }).selectOption({ label: "평소 최장 구매 간격을 넘긴 VIP / VIP silent beyond their usual longest gap" }),
    ]);
    const list = async (query: string) => (await readJson(await ctx.request(`/v1/alerts?limit=200${query}`, { key: ws.keys.manager }))).alerts.map((a: { customerId: string }) => a.customerId);
    const expected = await list(`&rule=${rule}`);
    expect(expected).toContain(CASE_CUSTOMER);
    expect(expected.length).toBeLessThan((await list("")).length);
    await expect.poll(() => page.locator("table.inbox tbody tr a[href^='/console/alerts/']").allTextContents()).toEqual(expected);
    await page.context().close();
  });

  it("shows the settings in effect and marks those the workspace left at their defaults", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.admin);
    await page.goto("/console/settings");
    const threshold = page.locator(".field").filter({ has: page.getByLabel("Alert threshold") });
    await expect(threshold.getByLabel("Alert threshold").inputValue()).resolves.toBe("50");
    await threshold.getByText("default", { exact: true }).waitFor();
    // The seed set the task tiers: Gold is checked and they are not marked as a default.
    const taskTiers = page.getByRole("group", { name: /^Task tiers/ });
    await expect(taskTiers.getByLabel("Gold").isChecked()).resolves.toBe(true);
    await expect(taskTiers.getByText("default").count()).resolves.toBe(0);
    await page.context().close();
  });

  it("previews the tier distribution the edited cut-offs would give, before saving", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.admin);
    await page.goto("/console/settings");
    const form = page.locator("#s-tiers");
    const preview = form.locator(".tier-preview");
    const cell = (tier: string, col: "td:nth-child(2)" | "td.proposed") => preview.locator(`tr[data-tier="${tier}"] ${col}`);
    const { customers, current } = await readJson(await ctx.request("/v1/tiers/preview", { key: ws.keys.admin, json: {} }));
    expect(customers).toBeGreaterThan(1);
    await expect.poll(() => cell("Gold", "td:nth-child(2)").textContent()).toBe(current.Gold.toLocaleString("en-US"));
    // Every cut-off at 0 (each step still rising): everyone would be Diamond.
    for (const tier of ["Silver", "Gold", "Platinum", "Diamond"]) await form.getByLabel(tier, { exact: true }).fill("0");
    await expect.poll(() => cell("Diamond", "td.proposed").textContent()).toBe(customers.toLocaleString("en-US"));
    await expect(cell("Bronze", "td.proposed").textContent()).resolves.toBe("0");
    // Nothing was saved.
    const settings = await readJson(await ctx.request("/v1/workspace", { key: ws.keys.admin }));
    expect(settings.settings.tiers.cutoffs.Diamond).toBe(85);
    await page.context().close();
  });

  it("shows the case's campaign enrollment on their page", async () => {
    const { enrollments } = await readJson(await ctx.request(`/v1/customers/${CASE_CUSTOMER}/enrollments`, { key: ws.keys.manager }));
    expect(enrollments.map((e: { campaign: { slug: string } }) => e.campaign.slug)).toEqual([WINBACK]);
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto(`/console/customers/${CASE_CUSTOMER}`);
    const row = page.getByRole("region", { name: "Campaign enrollments" }).getByRole("row").filter({ hasText: "We missed you!" });
    await row.getByText(enrollments[0].arm === "holdout" ? "Holdout" : "Treated", { exact: true }).waitFor();
    await page.context().close();
  });

  it("previews a campaign for the case customer: the Korean ad's text, or why they would get nothing", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.marketer);
    // A paused starter campaign: its text can be read before enabling it.
    await page.goto("/console/campaigns/vip-reactivation");
    const preview = page.getByRole("region", { name: "Preview for a customer" });
    await preview.getByLabel("Customer id").fill(CASE_CUSTOMER);
    await preview.getByRole("button", { name: "Preview" }).click();
    const result = preview.getByRole("status");
    await result.getByText("Would not be enrolled").waitFor();
    await result.getByText(/the campaign is paused/).waitFor();
    await result.getByText("(광고) 오랜만이에요!").waitFor();
    await result.getByText(/^이서연님, .*무료수신거부/s).waitFor();
    // The win-back campaign already enrolled them this month.
    await page.goto(`/console/campaigns/${WINBACK}`);
    await preview.getByLabel("Customer id").fill(CASE_CUSTOMER);
    await preview.getByRole("button", { name: "Preview" }).click();
    await result.getByText(/at the campaign's frequency cap/).waitFor();
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

  it("previews the manager's next digest and sends it now", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto("/console/tasks");
    await page.getByLabel("Which manager are you?").selectOption(MANAGER_ID);
    const preview = page.locator(".digest-preview");
    await preview.locator("pre.digest").waitFor();
    expect((await preview.locator("pre.digest").textContent())?.length).toBeGreaterThan(0);
    await preview.getByRole("button", { name: "Send it now" }).click();
    await preview.getByText("Already sent for this period at").waitFor();
    const latest = await ctx.request(`/v1/digests/${MANAGER_ID}/latest`, { key: ws.keys.manager });
    expect(latest.status).toBe(200);
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

  it("speaks the workspace's language to a browser in neither, with no English left on Korean pages", async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl, locale: "fr-FR", viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e));
    await page.goto("/console");
    // A KRW workspace that has not chosen: Korean.
    await page.getByLabel("API 키").fill(ws.keys.admin);
    await page.getByRole("button", { name: "로그인" }).click();
    await page.getByRole("heading", { name: "개요" }).waitFor();
    await page.getByRole("link", { name: "본문으로 건너뛰기" }).waitFor({ state: "attached" });
    await page.locator(".topbar .role").getByText("관리자").waitFor();
    await page.goto("/console/rules");
    await page.getByRole("row").filter({ hasText: "competitor-shift-confident" }).getByRole("cell", { name: "전체", exact: true }).waitFor();
    await page.goto("/console/settings");
    await page.getByRole("columnheader", { name: "접두어" }).waitFor();
    // The workspace's setting decides for such a browser.
    const patch = (locale: string) => ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale } });
    expect((await patch("en")).status).toBe(200);
    try {
      await page.goto("/console");
      await page.getByRole("heading", { name: "Overview" }).waitFor();
    } finally {
      expect((await patch("ko")).status).toBe(200);
    }
    await context.close();
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

  // Last: saving the scoring form marks its settings as the workspace's own.
  it("holds out a share of one rule's alerts from actions, set per rule in the settings", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.admin);
    await page.goto("/console/settings");
    const form = page.locator("#s-scoring");
    await form.getByLabel("Wallet moving to competitors").fill("25");
    await form.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(async () => (await readJson(await ctx.request("/v1/workspace", { key: ws.keys.admin }))).settings.scoring.alertHoldout)
      .toEqual({ "competitor-wallet-shift": 25 });
    await page.context().close();
  });

  it("says, on a resolved alert, that its customer gets no other before buying again", async () => {
    const { alerts } = await readJson(await ctx.request("/v1/alerts?status=open", { key: ws.keys.manager }));
    const other = (alerts as { id: string; customerId: string }[]).find((a) => a.customerId !== CASE_CUSTOMER);
    expect(other).toBeDefined();
    const res = await ctx.request(`/v1/alerts/${other!.id}/transitions`, { key: ws.keys.manager, json: { action: "resolve" } });
    expect(res.status).toBe(200);
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager);
    await page.goto(`/console/alerts/${encodeURIComponent(other!.id)}`);
    await page.getByText(/gets no new alert until they buy again|다시 구매하기 전까지 새 알림이 열리지 않습니다/).waitFor();
    await page.context().close();
  });
});

async function caseAlert() {
  const body = await readJson(await ctx.request(`/v1/alerts?customerId=${CASE_CUSTOMER}`, { key: ws.keys.manager }));
  return body.alerts[0] as { id: string; label: string | null };
}
