// axe-core on every console page, signed in as an admin (who sees every control) and as a
// manager: no serious or critical WCAG 2.1 A/AA violation.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestContext, type TestWorkspace } from "../support/context.ts";
import { expectAccessible, launchBrowser, pageErrors, signedIn } from "./browser.ts";
import { CASE_CUSTOMER, seedWorld, startServer } from "./world.ts";

const ctx = useTestContext();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let ws: TestWorkspace;
let admin: Page;

beforeAll(async () => {
  ctx.setNow(new Date(Date.now() + 15 * 60_000)); // a little ahead of the browser's clock
  ctx.startWorkers();
  ws = await ctx.workspace("Glow Cosmetics");
  server = await startServer(ctx);
  [browser] = await Promise.all([launchBrowser(), seedWorld(ctx, server.baseUrl, ws.id, ws.keys)]);
  admin = await signedIn(browser, server.baseUrl, ws.keys.admin);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

/** Opens a page and waits until it has drawn what `ready` names. */
async function open(page: Page, path: string, ready: (p: Page) => Promise<unknown>) {
  await page.goto(path);
  await ready(page);
  await page.waitForLoadState("networkidle");
}

describe("accessibility", { timeout: 90_000 }, () => {
  it("the sign-in page", async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl, bypassCSP: true });
    const page = await context.newPage();
    await open(page, "/console", (p) => p.getByLabel("API key").waitFor());
    await expectAccessible(page);
    await context.close();
  });

  const pages: [string, string, (p: Page) => Promise<unknown>][] = [
    ["overview", "/console", (p) => p.locator("table").first().waitFor()],
    ["alert inbox", "/console/alerts", (p) => p.getByRole("row").filter({ hasText: CASE_CUSTOMER }).waitFor()],
    ["customers", "/console/customers", (p) => p.getByRole("link", { name: CASE_CUSTOMER }).waitFor()],
    ["customer 360", `/console/customers/${CASE_CUSTOMER}`, (p) => p.locator(".score-reasons").waitFor()],
    ["rules", "/console/rules", (p) => p.getByRole("link", { name: "VIP moving to competitors" }).waitFor()],
    ["rule studio", "/console/rules/vip-competitor-defection", (p) => p.locator(".leaf").first().waitFor()],
    ["new rule", "/console/rules/new", (p) => p.locator(".leaf").first().waitFor()],
    ["campaigns", "/console/campaigns", (p) => p.getByRole("heading", { name: "Campaigns" }).waitFor()],
    ["new campaign", "/console/campaigns/new", (p) => p.getByRole("heading", { name: "New campaign" }).waitFor()],
    ["tasks", "/console/tasks", (p) => p.getByLabel("Which manager are you?").waitFor()],
    ["settings", "/console/settings", (p) => p.getByRole("heading", { name: "API keys" }).waitFor()],
  ];
  for (const [name, path, ready] of pages) {
    it(`the ${name} page`, async () => {
      await open(admin, path, ready);
      await expectAccessible(admin);
    });
  }

  it("the alert page, with the keyboard help open", async () => {
    await open(admin, "/console/alerts", (p) => p.getByRole("row").filter({ hasText: CASE_CUSTOMER }).waitFor());
    await admin.keyboard.press("?");
    await admin.getByRole("dialog").waitFor();
    await expectAccessible(admin);
    await admin.keyboard.press("Escape");
    await admin.getByRole("row").filter({ hasText: CASE_CUSTOMER }).getByRole("link").first().click();
    await admin.getByRole("heading", { name: /Alert/ }).waitFor();
    await expectAccessible(admin);
  });

  it("the rule studio after a dry run and a backtest", async () => {
    await open(admin, "/console/rules/vip-competitor-defection", (p) => p.locator(".leaf").first().waitFor());
    await admin.getByLabel("Customer id").fill(CASE_CUSTOMER);
    await admin.getByRole("button", { name: "Run", exact: true }).click();
    await admin.getByRole("status").filter({ hasText: "Matches" }).waitFor();
    await admin.getByRole("button", { name: "Run backtest" }).click();
    await admin.locator(".backtest canvas").first().waitFor();
    await expectAccessible(admin);
  });

  it("the pages in Korean", async () => {
    const page = await signedIn(browser, server.baseUrl, ws.keys.manager, "ko-KR");
    for (const path of ["/console", "/console/alerts", `/console/customers/${CASE_CUSTOMER}`]) {
      await open(page, path, (p) => p.locator("main h1").first().waitFor());
      await expectAccessible(page);
    }
    await page.context().close();
  });
});
