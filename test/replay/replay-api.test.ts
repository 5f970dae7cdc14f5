// POST /v1/replays: the whole pack over the workspace's own history, in a scratch workspace;
// the live alerts and scores stay as they are, and another workspace cannot see the replay.
import { readJson, useTestContext } from "../support/context.ts";
import { describe, expect, it } from "vitest";
import { runStoredReplay } from "../../src/replay/replays.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import { signal } from "../support/factories.ts";

const ctx = useTestContext();
const at = (day: string, hour = 10) => `${day}T${String(hour).padStart(2, "0")}:00:00Z`;

describe("POST /v1/replays", () => {
  it("runs the pack over the workspace's history without touching its alerts or scores, and shows the result to that workspace only", { timeout: 180_000 }, async () => {
    const ws = await ctx.workspace();
    const other = await ctx.workspace("Other brand");
    const vip = "api-vip";
    await ingestSignals(ctx, {
      workspaceId: ws.id,
      items: [
        ...["2026-01-05", "2026-01-20", "2026-02-05", "2026-02-20"].map((d) => signal.purchase(vip, at(d), { data: { amount: 100_000 } })),
        ...["glowmall", "rival-beauty", "skinnow"].map((c) => signal.competitorAppUsage(vip, at("2026-03-05", 9), { data: { competitor: c, app: c } })),
        signal.competitorPurchase(vip, at("2026-03-05", 12), { data: { competitor: "glowmall", amount: 150_000 } }),
      ],
    });
    const live = async () => {
      const [r] = await ctx.database.sql<{ alerts: number; scores: number; features: number }[]>`
        select (select count(*)::int from alerts where workspace_id = ${ws.id}) as alerts,
          (select count(*)::int from scores where workspace_id = ${ws.id}) as scores,
          (select count(*)::int from customer_features where workspace_id = ${ws.id}) as features`;
      return r;
    };
    const before = await live();

    expect((await ctx.request("/v1/replays", { key: ws.keys.manager, json: { from: at("2026-03-01", 0), to: at("2026-03-10", 0) } })).status).toBe(403);
    const bad = await ctx.request("/v1/replays", { key: ws.keys.marketer, json: { from: at("2026-03-10", 0), to: at("2026-03-01", 0) } });
    expect(bad.status).toBe(422);
    expect((await readJson(bad)).errors).toEqual([{ path: "to", message: "must be after from" }]);

    const res = await ctx.request("/v1/replays", { key: ws.keys.marketer, json: { from: at("2026-03-01", 0), to: at("2026-03-10", 0) } });
    expect(res.status).toBe(202);
    const queued = await readJson(res);
    expect(queued).toMatchObject({ status: "queued", summary: null });

    // The job, as the worker runs it.
    expect(await runStoredReplay(ctx, { workspaceId: ws.id, replayId: queued.id })).toEqual({ status: "succeeded" });
    const done = await readJson(await ctx.request(`/v1/replays/${queued.id}`, { key: ws.keys.marketer }));
    expect(done).toMatchObject({ status: "succeeded", summary: { alerts: 1, customers: 1, alertsByRule: { "vip-competitor-defection@1": 1 } }, progress: { moments: expect.any(Number) } });
    const alerts = await readJson(await ctx.request(`/v1/replays/${queued.id}/alerts`, { key: ws.keys.admin }));
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]).toMatchObject({ customerId: vip, severity: "high" });
    expect(alerts.items[0].rules).toContainEqual({ ruleId: "vip-competitor-defection", version: 1 });

    // Running the job again changes nothing.
    expect(await runStoredReplay(ctx, { workspaceId: ws.id, replayId: queued.id })).toEqual({ status: "succeeded" });
    expect(await live()).toEqual(before);
    expect(await ctx.database.sql`select id from workspaces where scratch`).toHaveLength(0);

    expect((await ctx.request(`/v1/replays/${queued.id}`, { key: other.keys.marketer })).status).toBe(404);
    expect((await ctx.request(`/v1/replays/${queued.id}/alerts`, { key: other.keys.marketer })).status).toBe(404);
    expect((await readJson(await ctx.request("/v1/replays", { key: other.keys.marketer }))).items).toEqual([]);
  });
});
