// The harness first: it loads the HTTP app, which extends zod before any schema is built.
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { registerSchedules } from "../../jobs/handlers.ts";
import { importTransactions } from "../../src/model-fits/import-transactions.ts";
import { fitAllModels } from "../../src/model-fits/request-model-fit.ts";
import { defaultModelSettings } from "../../src/workspaces/settings.ts";
import { CALIBRATION_END, cdnowCustomers } from "./support.ts";

const ctx = useTestContext();

describe("GET /v1/model and POST /v1/model/fit", () => {
  let ws: TestWorkspace;
  let empty: TestWorkspace;
  beforeAll(async () => {
    ctx.setNow(CALIBRATION_END);
    ws = await ctx.workspace("Loaded");
    empty = await ctx.workspace("Empty");
    await importTransactions(ctx, { workspaceId: ws.id, transactions: await cdnowCustomers(250) });
  });

  it("says the model has not been fitted yet, with the settings and thresholds it will use", async () => {
    const res = await ctx.request("/v1/model", { key: ws.keys.manager });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({
      status: "not_fitted",
      message: expect.stringMatching(/not been fitted/),
      fit: null,
      activeFit: null,
      settings: defaultModelSettings,
      riskModel: { scoring: "purchase_model", message: expect.stringMatching(/learned risk model is fitted after each purchase-model fit/), liveVersion: null, versions: [] },
    });
    const profile = await readJson(await ctx.request("/v1/customers/7", { key: ws.keys.marketer }));
    expect(profile).toMatchObject({ model: null, modelStatus: "not_fitted", modelReason: expect.stringMatching(/not been fitted/) });
  });

  it("queues a fit and answers 202 with the job id; asking again while it waits gives the same job", async () => {
    const res = await ctx.request("/v1/model/fit", { method: "POST", key: ws.keys.marketer });
    expect(res.status).toBe(202);
    const body = await readJson(res);
    expect(body).toEqual({ status: "queued", jobId: expect.any(String) });
    const again = await readJson(await ctx.request("/v1/model/fit", { method: "POST", key: ws.keys.admin }));
    expect(again.jobId).toBe(body.jobId);
    const job = await ctx.jobs.queue("model").getJob(body.jobId);
    expect(job?.data).toEqual({ workspaceId: ws.id });
  });

  it("fits inline with wait=true and shows the fit", async () => {
    const res = await ctx.request("/v1/model/fit?wait=true", { method: "POST", key: ws.keys.marketer });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({
      reused: false,
      fit: {
        status: "fitted",
        period: "1997-09-30",
        asOf: CALIBRATION_END,
        data: { customers: 250, customersWithRepeat: 100, customersScored: 250 },
        // These 250 CDNOW customers' holdout favours Pareto/NBD (test/model-service/fit.test.ts).
        purchaseModel: "pareto_nbd",
        bgnbd: null,
        paretoNbd: { r: expect.any(Number), alpha: expect.any(Number), s: expect.any(Number), beta: expect.any(Number), converged: true },
        choice: {
          chosen: "pareto_nbd",
          reason: expect.stringMatching(/^Pareto\/NBD: fitted on purchases to 1997-07-02, its holdout log-likelihood over the next 90 days/),
          candidates: [
            { model: "bgnbd", holdoutLogLikelihood: expect.any(Number) },
            { model: "pareto_nbd", holdoutLogLikelihood: expect.any(Number) },
          ],
          churnRecalibration: { kind: "platt", eceBefore: expect.any(Number), eceAfter: expect.any(Number) },
        },
        gammaGamma: { p: expect.any(Number), q: expect.any(Number), gamma: expect.any(Number), usable: true },
        settings: { horizonDays: 90, clvMonths: 12, monthlyDiscountRate: 0.01, penalizer: defaultModelSettings.penalizer },
        thresholds: { minCustomers: 200, minRepeatCustomers: 50 },
      },
    });
    expect(body.fit.paretoNbd.logLikelihood).toBeLessThan(0);
    expect(body.fit.fitMs).toBeGreaterThan(0);

    const model = await readJson(await ctx.request("/v1/model", { key: ws.keys.marketer }));
    expect(model).toMatchObject({ status: "fitted", message: null });
    expect(model.fit).toEqual(body.fit);
    expect(model.activeFit).toEqual(body.fit);

    const reused = await readJson(await ctx.request("/v1/model/fit?wait=true", { method: "POST", key: ws.keys.marketer }));
    expect(reused).toMatchObject({ reused: true, fit: { id: body.fit.id } });
  });

  it("lets only marketers and admins fit, and not ingest keys read", async () => {
    expect((await ctx.request("/v1/model/fit", { method: "POST", key: ws.keys.manager })).status).toBe(403);
    expect((await ctx.request("/v1/model/fit", { method: "POST", key: ws.keys.ingest })).status).toBe(403);
    expect((await ctx.request("/v1/model", { key: ws.keys.ingest })).status).toBe(403);
    expect((await ctx.request("/v1/model")).status).toBe(401);
    const bad = await ctx.request("/v1/model/fit?wait=maybe", { method: "POST", key: ws.keys.marketer });
    expect(bad.status).toBe(422);
  });

  it("validates the model settings and merges them key by key", async () => {
    const bad = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: empty.keys.admin, json: { model: { horizonDays: 0, extra: 1 } } });
    expect(bad.status).toBe(422);
    const paths = (await readJson(bad)).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["model.horizonDays"]));
    const patch = (json: unknown) => ctx.request("/v1/workspace/settings", { method: "PATCH", key: empty.keys.admin, json });
    expect((await patch({ model: { clvMonths: 24 } })).status).toBe(200);
    expect((await readJson(await patch({ model: { penalizer: 0 } }))).settings.model).toEqual({ ...defaultModelSettings, clvMonths: 24, penalizer: 0 });
    const model = await readJson(await ctx.request("/v1/model", { key: empty.keys.marketer }));
    expect(model.settings).toEqual({ ...defaultModelSettings, clvMonths: 24, penalizer: 0 });
    await patch({ model: defaultModelSettings });
  });

  it("documents the routes in the OpenAPI document", async () => {
    const doc = await readJson(await ctx.request("/openapi.json"));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/model", "/v1/model/fit"]));
    expect(doc.components.schemas).toHaveProperty("ModelFit");
  });

  it("keeps workspaces apart: another workspace sees neither the fit, the purchases nor the customers", async () => {
    const model = await readJson(await ctx.request("/v1/model", { key: empty.keys.marketer }));
    expect(model).toMatchObject({ status: "not_fitted", fit: null });
    expect((await ctx.request("/v1/customers/7", { key: empty.keys.marketer })).status).toBe(404);

    const fit = await readJson(await ctx.request("/v1/model/fit?wait=true", { method: "POST", key: empty.keys.marketer }));
    expect(fit).toMatchObject({ fit: { status: "insufficient_data", data: { customers: 0, customersWithRepeat: 0 } } });
    const after = await readJson(await ctx.request("/v1/model", { key: empty.keys.marketer }));
    expect(after).toMatchObject({ status: "insufficient_data", message: expect.stringMatching(/0 customers/), activeFit: null });

    // The loaded workspace's fit is untouched.
    const mine = await readJson(await ctx.request("/v1/model", { key: ws.keys.marketer }));
    expect(mine).toMatchObject({ status: "fitted", fit: { data: { customers: 250 } } });
    const rows = await ctx.database.sql`select workspace_id, count(*)::int as n from customer_model_scores group by 1 order by 1`;
    expect(rows).toEqual([{ workspace_id: ws.id, n: 250 }]);
  });

  it("fans out one fit job per workspace, and the weekly schedule is registered", async () => {
    const [count] = await ctx.database.sql<{ n: number }[]>`select count(*)::int as n from workspaces`;
    expect(await fitAllModels(ctx)).toEqual({ queued: count!.n, failed: 0 });
    const queued = await ctx.jobs.queue("model").getJobs(["waiting", "delayed", "prioritized"]);
    expect(new Set(queued.map((j) => j.data.workspaceId))).toEqual(
      new Set((await ctx.database.sql<{ id: string }[]>`select id from workspaces`).map((w) => w.id)),
    );
    await registerSchedules(ctx, ctx.jobs);
    expect(await ctx.jobs.queue("maintenance").getJobScheduler("fit-all-models")).toMatchObject({ pattern: ctx.config.MODEL_FIT_SCHEDULE });
  });
});
