// A workspace fit holds little at a million customers: the model choice reads an even sample
// of the purchases, and scores are computed and written a page at a time.
import { useTestContext } from "../support/context.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { findLatestFittedFit, selectPurchaseSummary, type PurchaseSummary } from "../../db/queries/model.ts";
import { fitWorkspaceModel, summaryPages } from "../../src/model-fits/fit-workspace-model.ts";
import { importTransactions } from "../../src/model-fits/import-transactions.ts";
import { fitParams, scoreSummary } from "../../src/model-fits/score-summary.ts";
import { CALIBRATION_END, cdnowCustomers } from "./support.ts";

const ctx = useTestContext();

const rowsOf = (s: PurchaseSummary) => s.ids.map((id, i) => ({ id, x: s.x[i], tx: s.tx[i], T: s.T[i], zbar: s.zbar[i] }));

describe("a workspace's purchase summary in parts", () => {
  let workspaceId: string;
  let whole: PurchaseSummary;
  beforeAll(async () => {
    ctx.setNow(CALIBRATION_END);
    workspaceId = (await ctx.workspace()).id;
    await importTransactions(ctx, { workspaceId, transactions: await cdnowCustomers(300) });
    whole = await selectPurchaseSummary(ctx.database.sql, { workspaceId, asOf: new Date(CALIBRATION_END) });
  });

  it("an even sample holds the whole summary's rows of the customers it keeps, about 1 in every k", async () => {
    const sample = await selectPurchaseSummary(ctx.database.sql, { workspaceId, asOf: new Date(CALIBRATION_END), sampleEvery: 3 });
    expect(sample.size).toBeGreaterThan(whole.size / 3 - 40);
    expect(sample.size).toBeLessThan(whole.size / 3 + 40);
    const byId = new Map(rowsOf(whole).map((r) => [r.id, r]));
    for (const row of rowsOf(sample)) expect(row).toEqual(byId.get(row.id));
    expect(sample.repeatCustomers).toBe(rowsOf(sample).filter((r) => r.x! > 0).length);
  });

  it("scored page by page, every customer gets the values scoring the whole summary gives", async () => {
    await fitWorkspaceModel(ctx, { workspaceId });
    const fit = (await findLatestFittedFit(ctx.database.sql, workspaceId))!;
    const params = fitParams(fit)!;
    const all = scoreSummary(fit, params, whole);
    const pages = summaryPages(whole, 7);
    expect(pages.flatMap((p) => p.ids)).toEqual(whole.ids);
    expect(pages.reduce((n, p) => n + p.repeatCustomers, 0)).toBe(whole.repeatCustomers);
    const paged = pages.map((p) => scoreSummary(fit, params, p));
    for (const column of ["pAlive", "expectedPurchases90d", "churnProbability", "clv", "valueAtRisk"] as const) {
      expect(paged.flatMap((p) => Array.from(p[column] ?? []))).toEqual(Array.from(all[column] ?? []));
    }
  });
});
