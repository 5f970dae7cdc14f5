// Retention of external evidence: each provider's competitor signals are kept for the days the
// workspace sets (`default` for the others), counted from the end of their period; a scheduled
// job deletes what aged out, once a day per workspace, and leaves everything else alone.
import { describe, expect, it } from "vitest";
import { enforceAllEvidenceRetention, enforceEvidenceRetention } from "../../src/privacy/evidence-retention.ts";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const kept = async (ws: TestWorkspace) =>
  (await ctx.database.sql`select id from signals where workspace_id = ${ws.id} order by id`).map((r) => r.id as string);

async function seed() {
  const ws = await ctx.workspace();
  const res = await ctx.request("/v1/signals", {
    key: ws.keys.ingest,
    json: {
      signals: [
        { ...signal.purchase("c-1", daysAgo(400)), id: "own-old" },
        { ...signal.competitorPurchase("c-1", daysAgo(100), { source: "card-panel" }), id: "card-100" },
        { ...signal.competitorPurchase("c-1", daysAgo(20), { source: "card-panel" }), id: "card-20" },
        { ...signal.competitorAppUsage("c-2", daysAgo(100), { source: "app-panel" }), id: "app-100" },
        { ...signal.competitorAppUsage("c-2", daysAgo(50), { source: "other-panel" }), id: "other-50" },
        // Its period ended 10 days ago: young, whenever it was reported.
        { ...signal.competitorAppUsage("c-2", daysAgo(10), { source: "other-panel", period: { start: daysAgo(120), end: daysAgo(10) } }), id: "other-period" },
      ],
    },
  });
  expect((await readJson(res)).accepted).toBe(6);
  return ws;
}

const setRetention = (ws: TestWorkspace, evidenceRetentionDays: unknown) =>
  ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { evidenceRetentionDays } });

describe("evidence retention", () => {
  it("deletes each provider's evidence older than its retention, the unnamed providers' by the default, and asks for the customers' features again", async () => {
    const ws = await seed();
    expect((await setRetention(ws, { "card-panel": 90, default: 30 })).status).toBe(200);
    await ctx.database.sql`delete from refresh_requests where workspace_id = ${ws.id}`;
    expect(await enforceEvidenceRetention(ctx, { workspaceId: ws.id })).toEqual({ workspaceId: ws.id, signalsRemoved: 3, customersAffected: 2 });
    expect(await kept(ws)).toEqual(["card-20", "other-period", "own-old"]);
    const requested = await ctx.database.sql`select distinct customer_id from refresh_requests where workspace_id = ${ws.id} order by customer_id`;
    expect(requested.map((r) => r.customer_id)).toEqual(["c-1", "c-2"]);
    const [audit] = await ctx.database.sql`select actor, detail from audit_log where workspace_id = ${ws.id} and action = 'evidence.expired'`;
    expect(audit).toMatchObject({ actor: "retention", detail: { signals: 3, customers: 2 } });
  });

  it("running again deletes nothing more", async () => {
    const ws = await seed();
    await setRetention(ws, { default: 60 });
    expect((await enforceEvidenceRetention(ctx, { workspaceId: ws.id })).signalsRemoved).toBe(2);
    expect((await enforceEvidenceRetention(ctx, { workspaceId: ws.id })).signalsRemoved).toBe(0);
  });

  it("keeps everything when the workspace sets no retention, or names only other providers", async () => {
    const ws = await seed();
    expect((await enforceEvidenceRetention(ctx, { workspaceId: ws.id })).signalsRemoved).toBe(0);
    await setRetention(ws, { "nobody-we-know": 1 });
    expect((await enforceEvidenceRetention(ctx, { workspaceId: ws.id })).signalsRemoved).toBe(0);
    expect(await kept(ws)).toHaveLength(6);
  });

  it("refuses a retention that is not whole days from 1 to 3650, naming the provider, and changes nothing", async () => {
    const ws = await ctx.workspace();
    const res = await setRetention(ws, { "card-panel": 0 });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("evidenceRetentionDays.card-panel");
    const settings = (await readJson(await ctx.request("/v1/workspace", { key: ws.keys.admin }))).settings;
    expect(settings.evidenceRetentionDays ?? null).toBeNull();
  });

  it("the daily fan-out queues one job per workspace with a retention, once a day however often it fires", async () => {
    const withRetention = await seed();
    await setRetention(withRetention, { default: 30 });
    const without = await ctx.workspace();
    await enforceAllEvidenceRetention(ctx);
    await enforceAllEvidenceRetention(ctx);
    const queued = async (ws: TestWorkspace) =>
      (await ctx.jobs.queue("maintenance", ctx.jobs.shardOf(ws.id)).getJobs(["waiting", "active", "completed", "delayed"])).filter(
        (j) => j.name === "enforce-evidence-retention" && (j.data as { workspaceId: string }).workspaceId === ws.id,
      );
    expect(await queued(withRetention)).toHaveLength(1);
    expect(await queued(without)).toHaveLength(0);
  });
});
