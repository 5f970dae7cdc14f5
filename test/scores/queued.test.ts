// Workers run in this file only: a live worker would race the pinned clock in other files.
import { describe, expect, it } from "vitest";
import { eventually, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const push = async (ws: TestWorkspace, signals: unknown[]) => {
  const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });
  expect(res.status).toBe(200);
};
const goldHistory = (id: string) =>
  Array.from({ length: 4 }, (_, i) => signal.purchase(id, daysAgo(20 + i * 30), { data: { amount: 80_000 } }));
const defection = (id: string, rivalSpend: number) => [
  signal.competitorAppUsage(id, daysAgo(3), { data: { competitor: "rival-beauty", app: "rival-beauty" } }),
  signal.competitorAppUsage(id, daysAgo(2), { data: { competitor: "glowmall", app: "glowmall" } }),
  signal.competitorAppUsage(id, daysAgo(1), { data: { competitor: "skinnow", app: "skinnow" } }),
  signal.competitorPurchase(id, daysAgo(1), { data: { competitor: "rival-beauty", amount: rivalSpend } }),
];
const alertsOf = async (ws: TestWorkspace, customerId: string) =>
  (await readJson(await ctx.request(`/v1/alerts?customerId=${customerId}`, { key: ws.keys.manager }))).alerts;

describe("the streaming path", () => {
  it("scores in a queued job after signals arrive over the API", async () => {
    const ws = await ctx.workspace();
    ctx.startWorkers();
    await push(ws, [...goldHistory("live"), ...defection("live", 120_000)]);
    const alerts = await eventually(async () => {
      const a = await alertsOf(ws, "live");
      return a.length > 0 ? a : undefined;
    });
    expect(alerts[0].reasons.length).toBeGreaterThan(0);
  });
});
