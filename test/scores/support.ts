// The worked scenario of the scoring specs: a Gold customer and the signals of defection.
import { expect } from "vitest";
import { readJson, type TestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

export const pushSignals = async (ctx: TestContext, ws: TestWorkspace, signals: unknown[]) => {
  const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });
  expect(res.status).toBe(200);
};

/** A customer whose last half year of purchases (320,000 KRW) makes them Gold. */
export const goldHistory = (id: string) =>
  Array.from({ length: 4 }, (_, i) => signal.purchase(id, daysAgo(20 + i * 30), { data: { amount: 80_000 } }));

/** Three rival apps in the last days and one purchase at a rival. */
export const defection = (id: string, rivalSpend: number) => [
  signal.competitorAppUsage(id, daysAgo(3), { data: { competitor: "rival-beauty", app: "rival-beauty" } }),
  signal.competitorAppUsage(id, daysAgo(2), { data: { competitor: "glowmall", app: "glowmall" } }),
  signal.competitorAppUsage(id, daysAgo(1), { data: { competitor: "skinnow", app: "skinnow" } }),
  signal.competitorPurchase(id, daysAgo(1), { data: { competitor: "rival-beauty", amount: rivalSpend } }),
];

export const alertsOf = async (ctx: TestContext, ws: TestWorkspace, customerId: string) =>
  (await readJson(await ctx.request(`/v1/alerts?customerId=${customerId}`, { key: ws.keys.manager }))).alerts;
