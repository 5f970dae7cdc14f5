// POST /v1/tiers/preview: what proposed tier settings would give on the workspace, computed
// in SQL, before anything is saved.
import { describe, expect, it } from "vitest";
import { refreshFeatures } from "../../src/features/refresh.ts";
import { promoteTiers, reevaluateTiers } from "../../src/tiers/evaluate.ts";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

/** Five customers from one small purchase to a frequent big spender, tiered as the pipeline would. */
async function tieredWorkspace(): Promise<TestWorkspace> {
  const ws = await ctx.workspace();
  const spends: Record<string, number[]> = { a: [5_000], b: [30_000, 40_000], c: [400_000], d: [90_000, 80_000, 120_000, 70_000], e: [150_000, 150_000, 150_000, 150_000, 150_000, 150_000] };
  const signals = Object.entries(spends).flatMap(([id, amounts]) => amounts.map((amount, i) => signal.purchase(id, daysAgo(2 + i * 20), { data: { amount } })));
  expect((await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } })).status).toBe(200);
  const customerIds = Object.keys(spends);
  await refreshFeatures(ctx, { workspaceId: ws.id, customerIds });
  await promoteTiers(ctx, { workspaceId: ws.id, customerIds });
  return ws;
}

const preview = (ws: TestWorkspace, body: unknown) => ctx.request("/v1/tiers/preview", { key: ws.keys.admin, json: body });

const storedCounts = async (ws: TestWorkspace) => {
  const rows = await ctx.database.sql<{ tier: string; n: number }[]>`select tier, count(*)::int as n from customer_tiers where workspace_id = ${ws.id} group by tier`;
  return Object.fromEntries(rows.map((r) => [r.tier, r.n]));
};
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

describe("tier settings preview", () => {
  it("with the workspace's own settings, gives the tiers a scheduled re-evaluation assigns", async () => {
    const ws = await tieredWorkspace();
    await reevaluateTiers(ctx, { workspaceId: ws.id });
    const res = await preview(ws, {});
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ customers: 5, untiered: 0, moved: 0 });
    expect(nonZero(body.proposed)).toEqual(await storedCounts(ws));
    expect(body.current).toEqual(body.proposed);
    expect(Object.keys(nonZero(body.proposed)).length).toBeGreaterThan(1);
  });

  it("agrees with the evaluation under relative cut-offs too", async () => {
    const ws = await tieredWorkspace();
    const relative = { method: "relative", floors: [], cutoffs: { Silver: 0.2, Gold: 0.4, Platinum: 0.6, Diamond: 0.8 } };
    const proposal = readJson(await preview(ws, relative));
    expect((await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { tiers: relative } })).status).toBe(200);
    await reevaluateTiers(ctx, { workspaceId: ws.id });
    expect(nonZero((await proposal).proposed)).toEqual(await storedCounts(ws));
  });

  it("counts the customers each tier would gain or lose, and saves nothing", async () => {
    const ws = await tieredWorkspace();
    const before = await storedCounts(ws);
    const body = await readJson(await preview(ws, { floors: [], cutoffs: { Silver: 0, Gold: 0, Platinum: 0, Diamond: 0 } }));
    expect(body.proposed).toEqual({ Bronze: 0, Silver: 0, Gold: 0, Platinum: 0, Diamond: 5 });
    expect(nonZero(body.current)).toEqual(before);
    expect(body.moved).toBe(5 - (before.Diamond ?? 0));
    expect(body.settings.cutoffs).toEqual({ Silver: 0, Gold: 0, Platinum: 0, Diamond: 0 });
    expect(await storedCounts(ws)).toEqual(before);
    const workspace = await readJson(await ctx.request("/v1/workspace", { key: ws.keys.admin }));
    expect(workspace.setByWorkspace).not.toContain("tiers");
    expect(workspace.settings.tiers.cutoffs.Silver).toBe(20);
  });

  it("refuses cut-offs that do not rise, naming the field, as saving them would", async () => {
    const ws = await tieredWorkspace();
    const res = await preview(ws, { cutoffs: { Silver: 50, Gold: 40, Platinum: 65, Diamond: 85 } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await readJson(res))).toMatch(/cutoffs/);
  });

  it("is for those who may change the tier settings", async () => {
    const ws = await tieredWorkspace();
    expect((await ctx.request("/v1/tiers/preview", { key: ws.keys.marketer, json: {} })).status).toBe(403);
  });
});
