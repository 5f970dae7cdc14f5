// The harness first: it loads the HTTP app, which extends zod before any schema is built.
import { eventually, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { ageModelScores, findLatestFittedFit, selectPurchaseSummary, selectStoredSummary } from "../../db/queries/model.ts";
import { mergeCustomers } from "../../src/customers/customers.ts";
import { refreshFeatures } from "../../src/features/refresh.ts";
import { fitWorkspaceModel, scoreWorkspaceWithLatestFit } from "../../src/model-fits/fit-workspace-model.ts";
import { importTransactions } from "../../src/model-fits/import-transactions.ts";
import { fitParams, scoreSummary } from "../../src/model-fits/score-summary.ts";
import { enqueueModelFit } from "../../src/model-fits/request-model-fit.ts";
import { scoreCustomersWithLatestFit, scoreCustomerWithLatestFit } from "../../src/model-fits/score-customer-with-latest-fit.ts";
import { buildSummary, evaluateModel, parseDay, recalibratedChurn, scoreCustomers, type ModelChoice, type PurchaseModel, type TransactionTable } from "../../src/model/index.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import { defaultModelSettings } from "../../src/workspaces/settings.ts";
import { signal } from "../support/factories.ts";
import { CALIBRATION_END, cdnowCustomers } from "./support.ts";

const ctx = useTestContext();

type ScoreRow = {
  customer_id: string;
  fit_id: string;
  scored_at: Date;
  x: number;
  t_x: number;
  t: number;
  zbar: number;
  p_alive: number;
  expected_purchases_90d: number;
  churn_probability: number;
  expected_order_value: number | null;
  clv: number | null;
  value_at_risk: number | null;
};
const scoresOf = (workspaceId: string) =>
  ctx.database.sql<ScoreRow[]>`select * from customer_model_scores where workspace_id = ${workspaceId} order by customer_id`;
const fitsOf = (workspaceId: string) =>
  ctx.database.sql<{ id: string; period: string; status: string; purchase_model: string; model_choice: ModelChoice | null; r: number; alpha: number; a: number; b: number; s: number; beta: number; p: number; q: number; gamma: number; log_likelihood: number; customers: number; customers_with_repeat: number; customers_scored: number; message: string | null }[]>`
    select *, period::text as period from model_fits where workspace_id = ${workspaceId} order by fitted_at`;

const relative = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

let transactions: TransactionTable;
async function loadedWorkspace(): Promise<TestWorkspace> {
  const ws = await ctx.workspace();
  await importTransactions(ctx, { workspaceId: ws.id, transactions });
  return ws;
}

beforeAll(async () => {
  transactions = await cdnowCustomers(250);
});

describe("fitting a workspace's model", () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ctx.setNow(CALIBRATION_END);
    ws = await loadedWorkspace();
  });

  it("stores the chosen model's parameters and scores every customer with them, its churn probability recalibrated", async () => {
    const outcome = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(outcome).toMatchObject({ status: "fitted", reused: false, customers: 250, customersScored: 250 });

    // The library's evaluation over the same history makes the workspace fit's choice: a split
    // horizonDays (90) before the end, both models fitted with the workspace penaliser.
    const e = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", horizonDays: 90 });
    const chosen: PurchaseModel = e.choice.chosen === "bgnbd" ? { kind: "bgnbd", params: e.bgnbd.params } : { kind: "pareto_nbd", params: e.paretoNbd.params };
    const [fit] = await fitsOf(ws.id);
    expect(fit).toMatchObject({ id: outcome.fitId, period: "1997-09-30", status: "fitted", customers: 250, customers_with_repeat: 100, customers_scored: 250 });
    expect(fit!.purchase_model).toBe(e.choice.chosen);
    expect(fit!.model_choice).toMatchObject({ chosen: e.choice.chosen, splitDay: "1997-07-02", holdoutDays: 90, customers: e.choice.customers });
    for (const [k, v] of Object.entries(chosen.params)) expect(relative(fit![k as "r"], v)).toBeLessThan(1e-6);
    for (const k of ["p", "q", "gamma"] as const) expect(relative(fit![k], e.gammaGamma!.params[k])).toBeLessThan(1e-6);
    const recalibration = e.choice.churnRecalibration!;
    expect(fit!.model_choice!.churnRecalibration!.a).toBeCloseTo(recalibration.a, 6);

    const rows = await scoresOf(ws.id);
    expect(rows).toHaveLength(250);
    const s = buildSummary(transactions, { calibrationEnd: "1997-09-30" });
    const lib = scoreCustomers({ purchase: chosen, gammaGamma: e.gammaGamma!.params }, s, { horizonWeeks: 90 / 7, clvMonths: 12, monthlyDiscountRate: 0.01 });
    const index = new Map(s.ids.map((id, i) => [id, i]));
    for (const row of rows) {
      const i = index.get(row.customer_id)!;
      expect(row.fit_id).toBe(outcome.fitId);
      expect(row.x).toBe(s.x[i]);
      expect(row.p_alive).toBeCloseTo(lib.pAlive[i]!, 6);
      expect(row.churn_probability).toBeCloseTo(recalibratedChurn(recalibration, lib.churnProbability[i]!), 6);
      expect(row.expected_purchases_90d).toBeCloseTo(lib.expectedPurchases[i]!, 6);
      expect(relative(row.clv!, lib.clv[i]!)).toBeLessThan(1e-5);
      expect(row.value_at_risk).toBeCloseTo(row.clv! * row.churn_probability, 6);
    }
  });

  it("scores with the chosen model and its recalibration in the daily pass and in a refresh alike", async () => {
    // History to the calibration end only, so ten days on every customer's values only age.
    ctx.setNow(CALIBRATION_END);
    const end = parseDay("1997-09-30");
    const keep = [...transactions.day.keys()].filter((i) => transactions.day[i]! <= end);
    const history = { customerId: keep.map((i) => transactions.customerId[i]!), day: Int32Array.from(keep, (i) => transactions.day[i]!), amount: Float64Array.from(keep, (i) => transactions.amount[i]!) };
    const own = await ctx.workspace();
    await importTransactions(ctx, { workspaceId: own.id, transactions: history });
    await fitWorkspaceModel(ctx, { workspaceId: own.id });
    const fit = (await findLatestFittedFit(ctx.database.sql, own.id))!;
    const params = fitParams(fit)!;
    expect(params.purchase.kind).toBe("pareto_nbd");
    expect(params.churnRecalibration).not.toBeNull();

    const later = "1997-10-10";
    ctx.setNow(`${later}T18:00:00.000Z`);
    const s = buildSummary(history, { calibrationEnd: later });
    const lib = scoreCustomers({ purchase: params.purchase, gammaGamma: params.gammaGamma! }, s, { horizonWeeks: 90 / 7, clvMonths: 12, monthlyDiscountRate: 0.01 });
    const index = new Map(s.ids.map((id, i) => [id, i]));
    const expectLibrary = (rows: ScoreRow[]) => {
      for (const row of rows) {
        const i = index.get(row.customer_id)!;
        expect(row.t).toBeCloseTo(s.T[i]!, 9);
        expect(row.churn_probability).toBeCloseTo(recalibratedChurn(params.churnRecalibration, lib.churnProbability[i]!), 9);
        expect(row.p_alive).toBeCloseTo(lib.pAlive[i]!, 9);
        expect(row.expected_purchases_90d).toBeCloseTo(lib.expectedPurchases[i]!, 9);
        expect(relative(row.clv!, lib.clv[i]!)).toBeLessThan(1e-9);
      }
    };
    // The daily pass ages the stored summaries in SQL …
    expect(await scoreWorkspaceWithLatestFit(ctx, { workspaceId: own.id })).toMatchObject({ fitId: fit.id, customersScored: 250 });
    const aged = await scoresOf(own.id);
    expect(aged).toHaveLength(250);
    expectLibrary(aged);
    // … and a refresh summarises the customers' signals again.
    const some = aged.slice(0, 40).map((r) => r.customer_id);
    await scoreCustomersWithLatestFit(ctx, { workspaceId: own.id, customerIds: some });
    const refreshed = (await scoresOf(own.id)).filter((r) => some.includes(r.customer_id));
    expect(refreshed).toHaveLength(40);
    expectLibrary(refreshed);
    ctx.setNow(CALIBRATION_END);
  });

  it("shows the customer's values in their profile", async () => {
    const res = await ctx.request("/v1/customers/7", { key: ws.keys.marketer });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.modelReason).toBeNull();
    expect(body.modelStatus).toBe("scored");
    expect(body.model).toMatchObject({ horizonDays: 90, summary: { x: expect.any(Number), T: expect.any(Number) } });
    for (const k of ["churnProbability", "pAlive", "expectedPurchases90d", "clv", "valueAtRisk", "expectedOrderValue"]) {
      expect(body.model[k]).toEqual(expect.any(Number));
    }
  });

  it("does nothing the second time the same day from the same data, and refits in place when signals arrived", async () => {
    const [before] = await fitsOf(ws.id);
    const again = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(again).toMatchObject({ reused: true, fitId: before!.id });

    ctx.setNow("1997-09-30T19:00:00Z");
    await ingestSignals(ctx, { workspaceId: ws.id, items: [signal.purchase("7", "1997-09-30T18:30:00Z", { data: { amount: 42 } })] });
    ctx.setNow("1997-09-30T20:00:00Z");
    const refit = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(refit).toMatchObject({ reused: false, fitId: before!.id, status: "fitted" });
    expect(await fitsOf(ws.id)).toHaveLength(1);
    const scored = await scoresOf(ws.id);
    expect(scored).toHaveLength(250);
    expect(new Set(scored.map((r) => r.scored_at.toISOString()))).toEqual(new Set(["1997-09-30T20:00:00.000Z"]));
  });

  it("makes a new fit in a new period and moves every score to it", async () => {
    ctx.setNow("1997-10-07T12:00:00Z");
    const next = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    const fits = await fitsOf(ws.id);
    expect(fits.map((f) => f.period)).toEqual(["1997-09-30", "1997-10-07"]);
    const scored = await scoresOf(ws.id);
    expect(scored).toHaveLength(next.customersScored);
    expect(new Set(scored.map((r) => r.fit_id))).toEqual(new Set([next.fitId]));
  });

  it("re-scores one customer with the latest fit when their purchases change", async () => {
    ctx.setNow("1997-10-08T12:00:00Z");
    const [before] = await ctx.database.sql<ScoreRow[]>`select * from customer_model_scores where workspace_id = ${ws.id} and customer_id = '7'`;
    await ingestSignals(ctx, { workspaceId: ws.id, items: [signal.purchase("7", "1997-10-08T09:00:00Z", { data: { amount: 30 } })] });
    const outcome = await scoreCustomerWithLatestFit(ctx, { workspaceId: ws.id, customerId: "7" });
    expect(outcome.status).toBe("scored");
    const [after] = await ctx.database.sql<ScoreRow[]>`select * from customer_model_scores where workspace_id = ${ws.id} and customer_id = '7'`;
    expect(after!.x).toBe(before!.x + 1);
    expect(after!.t_x).toBeCloseTo(after!.t, 9); // bought today: last purchase = as-of day
    expect(after!.scored_at.toISOString()).toBe("1997-10-08T12:00:00.000Z");
    expect(after!.churn_probability).toBeLessThan(before!.churn_probability);
    const summary = await selectPurchaseSummary(ctx.database.sql, { workspaceId: ws.id, asOf: ctx.clock(), customerIds: ["7"] });
    expect(after!.x).toBe(summary.x[0]);
  });

  it("re-scores everyone with the latest fit as of now: silence raises the churn probability", async () => {
    const before = new Map((await scoresOf(ws.id)).map((r) => [r.customer_id, r]));
    const fitsBefore = await fitsOf(ws.id);
    ctx.setNow("1997-12-31T12:00:00Z");
    // As the daily pass does: features first (they tell who bought since).
    const customerIds = (await ctx.database.sql<{ id: string }[]>`select id from customers where workspace_id = ${ws.id}`).map((r) => r.id);
    await refreshFeatures(ctx, { workspaceId: ws.id, customerIds });
    const result = await scoreWorkspaceWithLatestFit(ctx, { workspaceId: ws.id });
    expect(result).toEqual({ fitId: fitsBefore.at(-1)!.id, customersScored: 250 });
    expect(await fitsOf(ws.id)).toEqual(fitsBefore);
    const after = await scoresOf(ws.id);
    expect(after).toHaveLength(250);
    // The file's holdout purchases (to 1998-06-30) come in as time passes; the silent ones age.
    const silent = after.filter((row) => row.x === before.get(row.customer_id)!.x);
    expect(silent.length).toBeGreaterThan(150);
    // The rest bought meanwhile: their new purchases are counted.
    for (const row of after.filter((r) => !silent.includes(r))) expect(row.x).toBeGreaterThan(before.get(row.customer_id)!.x);
    expect(silent.length).toBeLessThan(250);
    // Aged stored values and values summarised afresh from the signals agree.
    const fresh = await selectPurchaseSummary(ctx.database.sql, { workspaceId: ws.id, asOf: ctx.clock() });
    const byId = new Map(after.map((r) => [r.customer_id, r]));
    fresh.ids.forEach((id, i) => {
      const row = byId.get(id)!;
      expect([row.x, row.t_x, row.t, row.zbar]).toEqual([fresh.x[i], fresh.tx[i], expect.closeTo(fresh.T[i]!, 9), fresh.zbar[i]]);
    });
    for (const row of silent) {
      const old = before.get(row.customer_id)!;
      expect(row.t).toBeGreaterThan(old.t);
      expect(row.churn_probability).toBeGreaterThanOrEqual(old.churn_probability - 1e-12);
    }
  });

  it("re-scores a batch of customers, dropping the values of one merged away", async () => {
    const [eight] = await ctx.database.sql<ScoreRow[]>`select * from customer_model_scores where workspace_id = ${ws.id} and customer_id = '8'`;
    await mergeCustomers(ctx, { workspaceId: ws.id, targetId: "8", sourceId: "9" });
    const outcome = await scoreCustomersWithLatestFit(ctx, { workspaceId: ws.id, customerIds: ["8", "9", "no-such-customer"] });
    expect(outcome).toMatchObject({ status: "scored", scored: 1, removed: 1 });
    const rows = await ctx.database.sql<ScoreRow[]>`select * from customer_model_scores where workspace_id = ${ws.id} and customer_id in ('8', '9')`;
    expect(rows.map((r) => r.customer_id)).toEqual(["8"]);
    const merged = await selectPurchaseSummary(ctx.database.sql, { workspaceId: ws.id, asOf: ctx.clock(), customerIds: ["8"] });
    expect(rows[0]!.x).toBe(merged.x[0]);
    expect(rows[0]!.x).toBeGreaterThanOrEqual(eight!.x);
  });

  it("ages stored values without bringing back a removed row or undoing a summary written meanwhile", async () => {
    const sql = ctx.database.sql;
    const fit = (await findLatestFittedFit(sql, ws.id))!;
    const asOf = new Date(ctx.clock().getTime() + 86_400_000);
    const summary = await selectStoredSummary(sql, { workspaceId: ws.id, asOf, except: [] });
    const scores = scoreSummary(fit, fitParams(fit)!, summary);
    // Between the read and the write: a merge removes one row, a refresh re-summarises another.
    const [removed, refreshed] = [summary.ids[0]!, summary.ids[1]!];
    await sql`delete from customer_model_scores where workspace_id = ${ws.id} and customer_id = ${removed}`;
    await sql`update customer_model_scores set x = x + 1 where workspace_id = ${ws.id} and customer_id = ${refreshed}`;
    const aged = await ageModelScores(sql, { workspaceId: ws.id, fitId: fit.id, scoredAt: asOf, summary, scores, from: 0, to: summary.size });
    expect(aged).toBe(summary.size - 1);
    const rows = new Map((await scoresOf(ws.id)).map((r) => [r.customer_id, r]));
    expect(rows.has(removed)).toBe(false);
    expect(rows.get(refreshed)).toMatchObject({ x: summary.x[1]! + 1, scored_at: asOf });
    expect(rows.get(summary.ids[2]!)).toMatchObject({ t: expect.closeTo(summary.T[2]!, 9), churn_probability: scores.churnProbability[2] });
  });

  it("ages the workspace page by page to the same values as in one read", async () => {
    const asOf = new Date(ctx.clock().getTime() + 3 * 86_400_000);
    const paged = await scoreWorkspaceWithLatestFit(ctx, { workspaceId: ws.id, asOf, storedPageSize: 7, parallelism: 2 });
    const afterPaged = await scoresOf(ws.id);
    // Every customer aged once, none skipped between pages.
    expect(paged!.customersScored).toBe(afterPaged.length);
    expect(afterPaged.every((r) => r.scored_at.getTime() === asOf.getTime())).toBe(true);
    // The same moment in one read: nothing moves.
    await scoreWorkspaceWithLatestFit(ctx, { workspaceId: ws.id, asOf, storedPageSize: 1_000_000 });
    expect(await scoresOf(ws.id)).toEqual(afterPaged);
  });
});

describe("a workspace without enough history", () => {
  it("stores a fit that says so and writes no scores", async () => {
    ctx.setNow(CALIBRATION_END);
    const ws = await ctx.workspace();
    await importTransactions(ctx, { workspaceId: ws.id, transactions: await cdnowCustomers(20) });
    const outcome = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(outcome.status).toBe("insufficient_data");
    expect(outcome.message).toMatch(/20 customers with a purchase \(needs 200\)/);
    expect(await scoresOf(ws.id)).toHaveLength(0);
    const [fit] = await fitsOf(ws.id);
    expect(fit).toMatchObject({ status: "insufficient_data", r: null, customers: 20 });

    const profile = await readJson(await ctx.request("/v1/customers/1", { key: ws.keys.manager }));
    expect(profile.model).toBeNull();
    expect(profile.modelReason).toMatch(/Not enough purchase history/);
    expect(profile.modelStatus).toBe("no_usable_fit");
  });

  it("fits once the thresholds in the workspace settings are met", async () => {
    ctx.setNow(CALIBRATION_END);
    const ws = await ctx.workspace();
    await importTransactions(ctx, { workspaceId: ws.id, transactions: await cdnowCustomers(60) });
    const patch = await ctx.request("/v1/workspace/settings", {
      method: "PATCH",
      key: ws.keys.admin,
      json: { model: { minCustomers: 50, minRepeatCustomers: 10, horizonDays: 30 } },
    });
    expect(patch.status).toBe(200);
    expect((await readJson(patch)).settings.model).toMatchObject({ minCustomers: 50, minRepeatCustomers: 10, horizonDays: 30 });
    const outcome = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(outcome).toMatchObject({ status: "fitted", customers: 60, customersScored: 60 });
    const model = await readJson(await ctx.request("/v1/model", { key: ws.keys.marketer }));
    expect(model.settings).toEqual({ ...defaultModelSettings, minCustomers: 50, minRepeatCustomers: 10, horizonDays: 30 });
    expect(model.fit.settings.horizonDays).toBe(30);
    // The churn horizon is 30 days; the 90-day expected purchases stay 90 days.
    const [row] = await scoresOf(ws.id);
    expect(row!.churn_probability).toBeGreaterThan(0);
    expect(row!.expected_purchases_90d).toBeGreaterThan(0);
  });
});

describe("the fit job", () => {
  it("runs twice and stores one fit for the period; refreshed customers are re-scored", async () => {
    ctx.setNow(CALIBRATION_END);
    const ws = await loadedWorkspace();
    ctx.startWorkers();
    const first = await enqueueModelFit(ctx, { workspaceId: ws.id });
    const second = await enqueueModelFit(ctx, { workspaceId: ws.id }); // while the first is in flight
    expect(second.jobId).toBe(first.jobId);
    const idle = async () => {
      const counts = await ctx.jobs.queue("model").getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    };
    await eventually(async () => ((await fitsOf(ws.id)).length === 1 && (await idle()) ? true : undefined), 20_000);
    const third = await enqueueModelFit(ctx, { workspaceId: ws.id }); // a later delivery
    expect(third.jobId).not.toBe(first.jobId);
    await eventually(async () => ((await ctx.jobs.queue("model").getJob(third.jobId))?.finishedOn ? true : undefined), 20_000);
    const result = (await ctx.jobs.queue("model").getJob(third.jobId))!.returnvalue;
    expect(result).toMatchObject({ status: "fitted", reused: true });
    expect(await fitsOf(ws.id)).toHaveLength(1);

    // A new purchase: the customer's refresh job re-scores them with the latest fit.
    ctx.setNow("1997-09-30T19:00:00Z");
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.purchase("7", "1997-09-30T18:55:00Z") });
    expect(res.status).toBe(200);
    const row = await eventually(async () => {
      const [r] = await ctx.database.sql<ScoreRow[]>`
        select * from customer_model_scores where workspace_id = ${ws.id} and customer_id = '7' and scored_at = ${new Date("1997-09-30T19:00:00Z")}`;
      return r;
    }, 20_000);
    expect(row.t_x).toBe(row.t);
  });
});
