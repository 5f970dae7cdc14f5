// One alert per risk episode: an episode runs from an alert until the customer buys again.
// The worked scenario: a Gold VIP alerted (high) for rival apps and rival spend; the manager
// resolves the alert; later the rules match again.
import { afterEach, describe, expect, it } from "vitest";
import { alertsHeldBack } from "../../src/metrics/metrics.ts";
import { refreshCustomers } from "../../src/scores/pipeline.ts";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { signal } from "../support/factories.ts";
import { draft } from "../rules-service/support.ts";
import { alertsOf, defection, goldHistory, pushSignals } from "../scores/support.ts";

const ctx = useTestContext();
afterEach(() => ctx.setNow(DEFAULT_NOW));

const DAY = 86_400_000;

/** The VIP alerted and the alert resolved by a manager. */
async function resolvedAlert(ws: TestWorkspace) {
  await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
  await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
  const [first] = await alertsOf(ctx, ws, "vip");
  expect(first).toMatchObject({ severity: "high" });
  const res = await ctx.request(`/v1/alerts/${first.id}/transitions`, { key: ws.keys.manager, json: { action: "resolve" } });
  expect(res.status).toBe(200);
}

/** `days` after the first alert: the given signals (an hour old) arrive and the customer is refreshed. */
async function later(ws: TestWorkspace, days: number, signals: (at: string) => unknown[]) {
  ctx.setNow(new Date(DEFAULT_NOW.getTime() + days * DAY));
  await pushSignals(ctx, ws, signals(new Date(ctx.clock().getTime() - 3_600_000).toISOString()));
  await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
}

const rivalPurchase = (amount: number) => (at: string) => [signal.competitorPurchase("vip", at, { data: { amount } })];
const heldBack = async (reason: string) => (await alertsHeldBack.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
const statuses = async (ws: TestWorkspace) => (await alertsOf(ctx, ws, "vip")).map((a: { status: string }) => a.status).sort();

describe("one alert per risk episode", () => {
  it("opens no second alert for the same departure: past the cooldown, a customer who has not bought since gets none", async () => {
    const ws = await ctx.workspace();
    await resolvedAlert(ws);
    const before = await heldBack("same_episode");
    await later(ws, 15, rivalPurchase(10_000)); // the rule's cooldown is 14 days
    // Operators see what was held back, and why.
    expect((await heldBack("same_episode")) - before).toBe(1);
    await later(ws, 45, rivalPurchase(10_000));
    expect(await statuses(ws)).toEqual(["resolved"]);
  });

  it("starts a new episode when the customer buys again, and alerts in it after the cooldown", async () => {
    const ws = await ctx.workspace();
    await resolvedAlert(ws);
    await later(ws, 2, (at) => [signal.purchase("vip", at, { data: { amount: 20_000 } })]);
    await later(ws, 15, rivalPurchase(10_000));
    expect(await statuses(ws)).toEqual(["open", "resolved"]);
  });

  it("alerts again within the episode when a match is more severe than the resolved alert", async () => {
    const ws = await ctx.workspace();
    const rule = draft({ id: "rival-spend-critical", name: "Rival spend past 200,000", severity: "critical", conditions: { all: [{ fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 200_000 }] } });
    expect((await ctx.request("/v1/rules", { key: ws.keys.marketer, json: rule })).status).toBe(201);
    expect((await ctx.request("/v1/rules/rival-spend-critical", { method: "PATCH", key: ws.keys.marketer, json: { mode: "live" } })).status).toBe(200);
    await resolvedAlert(ws);
    await later(ws, 15, rivalPurchase(100_000)); // past the cooldown; 220,000 at rivals in 30 days
    const alerts = await alertsOf(ctx, ws, "vip");
    expect(alerts.map((a: { status: string; severity: string }) => [a.status, a.severity]).sort()).toEqual([
      ["open", "critical"],
      ["resolved", "high"],
    ]);
  });

  it("holds only the cooldown when the workspace turns it off", async () => {
    const ws = await ctx.workspace();
    const off = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { scoring: { oneAlertPerEpisode: false } } });
    expect(off.status).toBe(200);
    const settings = (await readJson(await ctx.request("/v1/workspace", { key: ws.keys.manager }))).settings;
    expect(settings.scoring).toMatchObject({ oneAlertPerEpisode: false });
    await resolvedAlert(ws);
    await later(ws, 2, rivalPurchase(10_000)); // inside the rule's 14-day cooldown
    expect(await statuses(ws)).toEqual(["resolved"]);
    await later(ws, 15, rivalPurchase(10_000));
    expect(await statuses(ws)).toEqual(["open", "resolved"]);
  });
});
