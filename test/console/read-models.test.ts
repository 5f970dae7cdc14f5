// The read models the console uses, on the public API: the overview and customer search.
import { defaultRulePack } from "../../rules/default-pack.ts";
import { describe, expect, it } from "vitest";
import { daysAgo, signal } from "../support/factories.ts";
import { eventually, readJson, useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("GET /v1/overview", () => {
  it("counts customers, unresolved alerts by severity, alerts per week and the tier mix", async () => {
    ctx.startWorkers();
    const ws = await ctx.workspace();
    const signals = [
      ...[0, 1, 2, 3, 4, 5].map((i) => signal.purchase("vip-1", daysAgo(160 - i * 25), { data: { amount: 80_000 } })),
      ...["rival-beauty", "glowmall", "skinnow"].map((c) => signal.competitorAppUsage("vip-1", daysAgo(3), { data: { competitor: c, app: c } })),
      signal.competitorPurchase("vip-1", daysAgo(4), { data: { amount: 120_000 } }),
      signal.purchase("quiet-1", daysAgo(20)),
    ];
    expect((await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } })).status).toBe(200);
    const overview = await eventually(async () => {
      const o = await readJson(await ctx.request("/v1/overview", { key: ws.keys.manager }));
      const tiered = Object.values(o.tierMix as Record<string, number>).reduce((a, b) => a + b, 0);
      return o.openAlerts.high === 1 && tiered === 2 ? o : undefined;
    }, 20_000);
    expect(overview).toMatchObject({ customers: 2, hasSignals: true, liveRules: defaultRulePack.filter((r) => r.mode === "live").length, openAlerts: { high: 1 }, alertsByStatus: [{ severity: "high", status: "open", count: 1 }] });
    const alert = (await readJson(await ctx.request("/v1/alerts", { key: ws.keys.manager }))).alerts[0];
    expect(overview.tierMix[alert.tier]).toBeGreaterThanOrEqual(1);
    expect(overview.alertsPerWeek).toHaveLength(13);
    expect(overview.alertsPerWeek.reduce((a: number, w: { count: number }) => a + w.count, 0)).toBe(1);
  });

  it("says there are no signals in a new workspace", async () => {
    const ws = await ctx.workspace();
    const o = await readJson(await ctx.request("/v1/overview", { key: ws.keys.marketer }));
    expect(o).toMatchObject({ customers: 0, hasSignals: false, openAlerts: {}, tierMix: {} });
  });

  it("is not for ingest keys", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/overview", { key: ws.keys.ingest })).status).toBe(403);
  });
});

describe("GET /v1/customers", () => {
  it("finds customers by id, name, email or identity, in the caller's workspace only", async () => {
    const ws = await ctx.workspace();
    const other = await ctx.workspace("Other");
    await ctx.request("/v1/customers/c-100", { method: "PUT", key: ws.keys.manager, json: { name: "이서연", email: "seoyeon@example.com", identities: [{ kind: "email_hash", value: "abc123" }] } });
    await ctx.request("/v1/customers/c-200", { method: "PUT", key: ws.keys.manager, json: { name: "Kim", email: "kim@example.com" } });
    await ctx.request("/v1/customers/c-100x", { method: "PUT", key: other.keys.manager, json: { name: "이서연" } });
    const ids = async (q: string) => (await readJson(await ctx.request(`/v1/customers?q=${encodeURIComponent(q)}`, { key: ws.keys.marketer }))).customers.map((c: { id: string }) => c.id);
    expect(await ids("c-1")).toEqual(["c-100"]);
    expect(await ids("서연")).toEqual(["c-100"]);
    expect(await ids("KIM@")).toEqual(["c-200"]);
    expect(await ids("abc123")).toEqual(["c-100"]);
    expect(await ids("%")).toEqual([]);
    expect((await ids("")).sort()).toEqual(["c-100", "c-200"]);
  });

  it("names a wrong limit", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/customers?limit=1000", { key: ws.keys.marketer });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("query.limit");
  });
});
