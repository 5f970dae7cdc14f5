// The daily pass reads its due customers and its screened-in customers from cursors and hands
// them to RESCORE_PARALLELISM runners a page at a time: a first pass over a million customers
// must not hold every id at once (issue 17's memory budget).
import { describe, expect, it } from "vitest";
import { inParallelFrom } from "../../src/parallel.ts";
import { rescoreWorkspace } from "../../src/scores/pipeline.ts";
import { customerIdRanges } from "../../db/queries/features.ts";
import { useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { defection, goldHistory, pushSignals } from "./support.ts";

const ctx = useTestContext();

/** A source of `n` pages that records how many it has handed out and whether it was closed. */
function pagesSource(n: number) {
  const state = { pulled: 0, closed: false };
  async function* source() {
    try {
      for (let k = 0; k < n; k++) {
        state.pulled++;
        yield k;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: source() };
}

describe("runners pulling pages from a cursor", () => {
  it("run every page once, no more than the limit at a time, pulling a page only when a runner is free", async () => {
    const { state, source } = pagesSource(10);
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    let aheadMost = 0;
    await inParallelFrom(source, 3, async (page) => {
      running++;
      most = Math.max(most, running);
      // Pages pulled but not finished: the runners' own, never a read-ahead of the rest.
      aheadMost = Math.max(aheadMost, state.pulled - seen.length);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(page);
      running--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(most).toBe(3);
    expect(aheadMost).toBeLessThanOrEqual(3);
    expect(state.closed).toBe(true);
  });

  it("stop pulling after a page fails, close the source and report the failure", async () => {
    const { state, source } = pagesSource(100);
    await expect(
      inParallelFrom(source, 2, async (page) => {
        await new Promise((r) => setTimeout(r, 2));
        if (page === 4) throw new Error("page 4 failed");
      }),
    ).rejects.toThrow("page 4 failed");
    expect(state.pulled).toBeLessThan(10);
    expect(state.closed).toBe(true);
  });
});

describe("the daily pass in pages", () => {
  /** Nine customers: Gold ones defecting or not, a quiet regular, occasional buyers. */
  const history = (ws: TestWorkspace) =>
    pushSignals(ctx, ws, [
      ...["a", "b", "c"].flatMap((id) => [...goldHistory(id), ...defection(id, 120_000)]),
      ...["d", "e"].flatMap((id) => goldHistory(id)),
      ...Array.from({ length: 10 }, (_, i) => signal.purchase("f", daysAgo(40 + i * 7), { data: { amount: 30_000 } })),
      ...["g", "h", "i"].map((id, k) => signal.purchase(id, daysAgo(5 + k * 50), { data: { amount: 10_000 } })),
    ]);

  /** What the pass stored, without the workspace's own ids. */
  const stored = async (ws: TestWorkspace) => {
    const sql = ctx.database.sql;
    return {
      features: await sql`select customer_id, spend_30d, orders_90d, competitor_apps_30d, next_change_at from customer_features where workspace_id = ${ws.id} order by 1`,
      tiers: await sql`select customer_id, tier, tier_score from customer_tiers where workspace_id = ${ws.id} order by 1`,
      scores: await sql`select customer_id, score, signature from customer_scores where workspace_id = ${ws.id} order by 1`,
      alerts: await sql`select customer_id, severity, score from alerts where workspace_id = ${ws.id} order by 1`,
    };
  };

  it("stores the same features, tiers, scores and alerts with pages of two as with one page for all", async () => {
    const [whole, paged] = [await ctx.workspace(), await ctx.workspace()];
    await history(whole);
    await history(paged);
    const one = await rescoreWorkspace(ctx, { workspaceId: whole.id });
    const many = await rescoreWorkspace(ctx, { workspaceId: paged.id, pageSize: 2, scorePageSize: 2 });
    expect(many).toMatchObject({ customers: 9, featuresRecomputed: 9, screenedIn: 9, alerts: one.alerts });
    expect(one).toMatchObject({ customers: 9, featuresRecomputed: 9, screenedIn: 9 });
    expect(one.alerts).toBeGreaterThan(0);
    expect(await stored(paged)).toEqual(await stored(whole));
  });

  it("stores the same with the workspace split into ranges of ids run side by side as with one range", async () => {
    const [whole, split] = [await ctx.workspace(), await ctx.workspace()];
    await history(whole);
    await history(split);
    const ranges = await customerIdRanges(ctx.database.sql, { workspaceId: split.id, parts: 3, splitFrom: 1 });
    expect(ranges).toHaveLength(3);
    expect(ranges[0]!.from).toBeNull();
    expect(ranges[2]!.to).toBeNull();
    const one = await rescoreWorkspace(ctx, { workspaceId: whole.id });
    const threeAtOnce = { database: ctx.database, jobs: ctx.jobs, log: ctx.log, clock: ctx.clock, config: { ...ctx.config, RESCORE_PARALLELISM: 3 } };
    const three = await rescoreWorkspace(threeAtOnce, { workspaceId: split.id, splitFrom: 1, pageSize: 2 });
    expect(three).toMatchObject({ customers: 9, featuresRecomputed: 9, screenedIn: 9, alerts: one.alerts });
    expect(await stored(split)).toEqual(await stored(whole));
  });
});
