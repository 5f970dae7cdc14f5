/// <reference lib="dom" />
// Real Chromium (Debian's) driven by playwright-core, one browser per test file.
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/** Uncaught errors in any page; a test file checks it stays empty. */
export const pageErrors: Error[] = [];

/** A fresh context (own cookies) signed in with `key`; English unless told otherwise. */
export async function signedIn(browser: Browser, baseUrl: string, key: string, locale = "en-US"): Promise<Page> {
  // bypassCSP lets the accessibility check inject axe-core; the app itself runs under its CSP.
  const context = await browser.newContext({ baseURL: baseUrl, locale, viewport: { width: 1360, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e));
  await page.goto("/console");
  await page.getByLabel(locale.startsWith("ko") ? "API 키" : "API key").fill(key);
  await page.getByRole("button", { name: locale.startsWith("ko") ? "로그인" : "Sign in" }).click();
  await page.getByRole("navigation").first().waitFor();
  return page;
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Runs axe-core (WCAG 2 A and AA rules) on the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    return axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  });
  return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

export async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}
