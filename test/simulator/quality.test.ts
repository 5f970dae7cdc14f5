// The simulator against a real database: ground truth in its own schema, invisible to the
// app's tables, and a tiny detection-quality run through the real pipeline.
import { describe, expect, it } from "vitest";
import { runQualityBench, strategies } from "../../bench/quality.ts";
import { bulkLoadSignals, loadGroundTruth, saveGroundTruth, simulate } from "../../src/simulator/index.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("simulator with a database", () => {
  it("loads through ingest and keeps ground truth out of the app's tables", async () => {
    const ws = await ctx.workspace();
    const sim = simulate({ customers: 50, days: 60, seed: 5, start: new Date("2026-09-01T00:00:00Z") });
    await saveGroundTruth(ctx.database.sql, { workspaceId: ws.id, seed: 5, truth: sim.truth });
    const loaded = await bulkLoadSignals(ctx, { workspaceId: ws.id, signals: sim.signals });
    expect(loaded.rejected).toBe(0);
    expect(loaded.accepted).toBe(sim.signals.length);
    expect(await loadGroundTruth(ctx.database.sql, ws.id)).toEqual(sim.truth);
    // No app table has a ground-truth column, and nothing of it is in a signal.
    const columns = await ctx.database.sql<{ table_name: string }[]>`
      select table_name from information_schema.columns
      where table_schema = 'public' and column_name in ('archetype', 'defected', 'defection_at', 'onset_at', 'lapsed_at', 'annual_value')`;
    expect(columns).toEqual([]);
    const leaks = await ctx.database.sql`
      select 1 from signals where workspace_id = ${ws.id} and (data::text ~ '(archetype|defect|vip|bait)' or id ~ '(vip|defect|casual|seasonal)') limit 1`;
    expect(leaks.length).toBe(0);
  });

  // The replay runs the daily pass every simulated day, as production does: minutes on a busy machine.
  it("a tiny quality run gives sane figures and the default pack catches defectors", { timeout: 300_000 }, async () => {
    const r = await runQualityBench({ customers: 200, days: 120, seed: 3, cdnow: false, database: ctx.database });
    expect(r.defectors).toBeGreaterThan(0);
    for (const s of strategies) {
      const f = r.figures[s];
      expect(f.precision).toBeGreaterThanOrEqual(0);
      expect(f.precision).toBeLessThanOrEqual(1);
      expect(f.recall).toBeGreaterThanOrEqual(0);
      expect(f.recall).toBeLessThanOrEqual(1);
      expect(f.truePositives).toBeLessThanOrEqual(f.alerts);
    }
    expect(r.figures.rules.defectorsCaught).toBeGreaterThan(0);
    expect(r.figures.rules.alerts).toBeGreaterThan(0);
  });
});
