import { describe, expect, it } from "vitest";
import { refreshCustomers } from "../../src/scores/pipeline.ts";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { signal } from "../support/factories.ts";
import { alertsOf, defection, goldHistory, pushSignals } from "./support.ts";

const ctx = useTestContext();
const later = (days: number) => new Date(DEFAULT_NOW.getTime() + days * 86_400_000);

async function alertFor(ws: TestWorkspace, customerId: string) {
  await pushSignals(ctx, ws, [...goldHistory(customerId), ...defection(customerId, 120_000)]);
  await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: [customerId] });
  const [alert] = await alertsOf(ctx, ws, customerId);
  return alert as { id: string; holdout: boolean };
}

const performance = async (ws: TestWorkspace) => {
  ctx.setNow(later(40));
  try {
    return await readJson(await ctx.request("/v1/rules/vip-competitor-defection/performance", { key: ws.keys.marketer }));
  } finally {
    ctx.setNow(DEFAULT_NOW);
  }
};

describe("alert outcomes", () => {
  it("records a manager's label with who and when, and counts it in the rule's precision and save rate", async () => {
    const ws = await ctx.workspace();
    const a = await alertFor(ws, "a");
    const b = await alertFor(ws, "b");
    const label = (id: string, l: string) => ctx.request(`/v1/alerts/${id}/label`, { key: ws.keys.manager, json: { label: l } });
    const labeled = await readJson(await label(a.id, "saved"));
    expect(labeled).toMatchObject({ label: "saved" });
    expect(labeled.events.at(-1)).toMatchObject({ type: "labeled", actor: expect.stringMatching(/^key_/) });
    await label(b.id, "false_alarm");
    const [v1] = (await performance(ws)).versions;
    expect(v1).toMatchObject({ version: 1, alerts: 2, labels: { labeled: 2, saved: 1, falseAlarm: 1 }, precisionByLabel: 0.5, saveRate: 1 });
  });

  it("measures precision by later behaviour: who bought again within the window", async () => {
    const ws = await ctx.workspace();
    await alertFor(ws, "stays");
    await alertFor(ws, "goes");
    await pushSignals(ctx, ws, [signal.purchase("stays", later(10).toISOString())]);
    const [v1] = (await performance(ws)).versions;
    expect(v1).toMatchObject({ alerts: 2, precisionByBehaviour: 0.5 });
  });

  it("holds out a rule's share of alerts from actions but keeps tracking them", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/workspace/settings", {
      method: "PATCH",
      key: ws.keys.admin,
      json: { scoring: { alertHoldout: { "vip-competitor-defection": 100 } } },
    });
    expect(res.status).toBe(200);
    const alert = await alertFor(ws, "held");
    expect(alert.holdout).toBe(true);
    const kinds = await ctx.database.sql`select kind from outbox where workspace_id = ${ws.id} order by kind`;
    expect(kinds.map((k) => k.kind)).toEqual(["alert.opened"]);
    const [v1] = (await performance(ws)).versions;
    expect(v1).toMatchObject({ heldOut: 1, actingVersusHoldout: { holdout: { matured: 1, stayed: 0 } } });
  });

  it("answers 404 for another workspace's rule performance and alert label", async () => {
    const [a, b] = [await ctx.workspace(), await ctx.workspace()];
    const alert = await alertFor(b, "x");
    expect((await ctx.request(`/v1/alerts/${alert.id}/label`, { key: a.keys.manager, json: { label: "lost" } })).status).toBe(404);
    expect((await ctx.request("/v1/rules/not-a-rule/performance", { key: a.keys.marketer })).status).toBe(404);
  });
});
