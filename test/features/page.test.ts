// A page of customers is computed customer by customer (each one's signals aggregated on
// their own): a customer's features do not depend on who shares the page.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { featuresSelect } from "../../db/queries/features.ts";
import { getWorkspace } from "../../src/workspaces/workspaces.ts";
import { useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const NOW = new Date();
const push = async (ws: TestWorkspace, signals: unknown[]) => {
  const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });
  expect(res.status).toBe(200);
};
const select = async (ws: TestWorkspace, customerIds: string[]) => {
  const { settings } = await getWorkspace(ctx.database.db, ws.id);
  const rows = await featuresSelect(ctx.database.sql, { workspaceId: ws.id, customerIds, asOf: NOW }, settings);
  return new Map(rows.map((r) => [r.customer_id as string, r]));
};

describe("features of a page", () => {
  it("gives each customer of a page the features they get alone", async () => {
    const ws = await ctx.workspace();
    const ids = ["a", "b", "c", "d", "e"];
    const purchases = fc.array(
      fc.record({
        customer: fc.constantFrom(...ids),
        // Whole days, so several purchases often share a day.
        ago: fc.integer({ min: 0, max: 240 }),
        category: fc.constantFrom("skincare", "makeup", "hair"),
        kind: fc.constantFrom("purchase", "purchase", "session", "competitorPurchase"),
      }),
      { minLength: 10, maxLength: 60 },
    );
    await push(
      ws,
      fc.sample(purchases, { numRuns: 1, seed: 17 })[0]!.map(({ customer, ago, category, kind }) =>
        kind === "purchase" ? signal.purchase(customer, daysAgo(ago), { data: { category } }) : signal[kind](customer, daysAgo(ago)),
      ),
    );
    const page = await select(ws, ids);
    expect(page.size).toBe(ids.length);
    for (const id of ids) expect(page.get(id)).toEqual((await select(ws, [id])).get(id));
  });

  it("counts a day with two purchases as one purchase day and ties categories by name", async () => {
    const ws = await ctx.workspace();
    await push(ws, [
      signal.purchase("c", daysAgo(20), { data: { category: "skincare" } }),
      signal.purchase("c", daysAgo(20), { data: { category: "makeup" } }),
      signal.purchase("c", daysAgo(10), { data: { category: "skincare" } }),
      signal.purchase("c", daysAgo(10), { data: { category: "makeup" } }),
      signal.purchase("c", daysAgo(4), { data: { category: "hair" } }),
    ]);
    const c = (await select(ws, ["c"])).get("c")!;
    // Purchase days 20, 10 and 4 days ago: gaps of 10 and 6 days, none of 0.
    expect(c.purchase_gaps).toBe(2);
    expect(Number(c.purchase_gap_p90_days)).toBeCloseTo(10, 6);
    expect(c).toMatchObject({ category_repeat_max_180d: 2, top_category_180d: "makeup" });
  });
});
