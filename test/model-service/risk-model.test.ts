// The harness first: it loads the HTTP app, which extends zod before any schema is built.
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { refreshFeatures } from "../../src/features/refresh.ts";
import { fitWorkspaceModel } from "../../src/model-fits/fit-workspace-model.ts";
import { riskProbabilityOf } from "../../src/model-fits/risk/apply-risk-model.ts";
import { decideRiskVersion } from "../../src/model-fits/risk/fit-risk-model.ts";
import { Rng } from "../../src/model/synthetic.ts";
import { compileRule } from "../../rules/compile-js.ts";
import { loadActiveRules } from "../../src/rules-service/active-rules.ts";
import { loadFacts, scoreCustomers } from "../../src/scores/score-customers.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import type { SignalInput } from "../../src/signals/schema.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const NOW = new Date("2026-11-20T12:00:00Z");

/**
 * A year of history. Every customer buys every `gap` days. Switchers start spending at a rival
 * on a day of their own and, two weeks later, mostly stop buying; a few others fade without any
 * rival evidence. Purchases alone see the silence only once it is long; rival spend shows first.
 */
function history(customers: number, seed: number): { signals: SignalInput[]; ids: string[] } {
  const rng = new Rng(seed);
  const signals: SignalInput[] = [];
  const ids: string[] = [];
  for (let c = 0; c < customers; c++) {
    const id = `c${String(c).padStart(4, "0")}`;
    ids.push(id);
    const gap = 8 + Math.floor(rng.uniform() * 20);
    const switchDay = rng.uniform() < 0.45 ? 20 + Math.floor(rng.uniform() * 280) : null; // days ago
    const leaves = switchDay !== null && rng.uniform() < 0.85;
    const fadeDay = switchDay === null && rng.uniform() < 0.1 ? Math.floor(rng.uniform() * 300) : null;
    for (let ago = 360 - Math.floor(rng.uniform() * gap); ago > 0; ago -= gap) {
      if (leaves && ago < switchDay! - 14) break;
      if (fadeDay !== null && ago < fadeDay) break;
      signals.push(signal.purchase(id, daysAgo(ago, NOW)));
    }
    if (switchDay !== null) {
      for (let ago = switchDay; ago > 0; ago -= 7) signals.push(signal.competitorPurchase(id, daysAgo(ago, NOW), { data: { amount: 150_000 } }));
    }
  }
  return { signals, ids };
}

async function loadWorkspace(customers: number, seed: number, settings?: Record<string, unknown>): Promise<{ ws: TestWorkspace; ids: string[] }> {
  const ws = await ctx.workspace();
  if (settings) {
    const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: settings });
    expect(res.status).toBe(200);
  }
  const { signals, ids } = history(customers, seed);
  for (let i = 0; i < signals.length; i += 1_000) {
    await ingestSignals(ctx, { workspaceId: ws.id, items: signals.slice(i, i + 1_000) });
  }
  await refreshFeatures(ctx, { workspaceId: ws.id, customerIds: ids });
  return { ws, ids };
}

type RiskRow = Record<string, unknown> & { customer_id: string; risk_probability: number | null; risk_version_id: string | null; risk_alert_threshold: number | null };
const riskRows = (workspaceId: string) => ctx.database.sql<RiskRow[]>`
  select f.*, (extract(epoch from ${NOW}::timestamptz - f.last_purchase_at) / 86400)::float8 as days_since_last_purchase,
    m.churn_probability, m.expected_purchases_90d, m.risk_probability, m.risk_version_id, m.risk_alert_threshold
  from customer_features f join customer_model_scores m using (workspace_id, customer_id)
  where f.workspace_id = ${workspaceId} order by customer_id`;

describe("the learned risk model on a workspace", () => {
  let ws: TestWorkspace;
  let ids: string[];
  let outcome: Awaited<ReturnType<typeof fitWorkspaceModel>>;
  beforeAll(async () => {
    ctx.setNow(NOW);
    ({ ws, ids } = await loadWorkspace(600, 11));
    outcome = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
  }, 120_000);

  it("is fitted after the purchase model and goes live when it beats it out of time", () => {
    expect(outcome.status).toBe("fitted");
    expect(outcome.riskModel).toMatchObject({ status: "live", version: 1, message: expect.stringMatching(/beats the purchase model/) });
  });

  it("scores every customer in SQL, as the JavaScript model would", async () => {
    const rows = await riskRows(ws.id);
    expect(rows.length).toBe(ids.length);
    const [version] = await ctx.database.sql<{ id: string; params: never }[]>`select id, params from risk_model_versions where workspace_id = ${ws.id}`;
    for (const row of rows) {
      expect(row.risk_version_id).toBe(version!.id);
      expect(row.risk_probability).toBeCloseTo(riskProbabilityOf(version!.params, row), 9);
    }
  });

  it("gives the score's model part with the inputs that raise the risk as reasons", async () => {
    const rows = await riskRows(ws.id);
    const riskiest = rows.reduce((a, b) => ((b.risk_probability ?? 0) > (a.risk_probability ?? 0) ? b : a));
    const [scored] = await scoreCustomers(ctx, { workspaceId: ws.id, customerIds: [riskiest.customer_id], rules: await loadActiveRules(ctx, ws.id), asOf: NOW });
    const reason = scored!.result.reasons.find((r) => r.ruleId === "model");
    expect(scored!.result.modelPoints).toBe(Math.round(20 * riskiest.risk_probability!));
    // A KRW workspace reads Korean: the inputs by their Korean names.
    expect(reason).toMatchObject({ name: "학습 위험 모델 (버전 1)" });
    expect(reason!.sentences.slice(1).length).toBeGreaterThan(0);
    for (const s of reason!.sentences.slice(1)) expect(s).toMatch(/^[가-힣0-9 ]+: \+\d+\.\d\d$/);
  });

  it("GET /v1/model shows each version's AUC, Brier score, ECE and reliability table against the purchase model", async () => {
    const body = await readJson(await ctx.request("/v1/model", { key: ws.keys.manager }));
    expect(body.riskModel).toMatchObject({ scoring: "learned", liveVersion: 1 });
    const [v] = body.riskModel.versions;
    expect(v).toMatchObject({ version: 1, status: "live", horizonDays: 90 });
    const { validation, purchaseModel, withoutCompetitorInputs } = v.report;
    expect(validation.auc).toBeGreaterThan(purchaseModel.auc);
    expect(withoutCompetitorInputs.auc).toBeLessThan(validation.auc);
    expect(validation.reliability).toHaveLength(10);
    expect(validation.ece).toBeGreaterThanOrEqual(0);
    expect(validation.brier).toBeGreaterThan(0);
    expect(v.coefficients.competitorSpend30d).toBeGreaterThan(0);
  });

  it("reports what competitor inputs add among the customers with any rival evidence, where they can add anything", async () => {
    const body = await readJson(await ctx.request("/v1/model", { key: ws.keys.manager }));
    const { withRivalEvidence } = body.riskModel.versions[0].report;
    expect(withRivalEvidence.rows).toBeGreaterThanOrEqual(20);
    for (const auc of [withRivalEvidence.auc, withRivalEvidence.aucWithoutCompetitorInputs]) {
      expect(auc).toBeGreaterThan(0.5);
      expect(auc).toBeLessThanOrEqual(1);
    }
  });

  it("sets its alert line from the workspace's alert budget (5 per 1,000 customers a week unless set), kept with the version and shown by GET /v1/model", async () => {
    const body = await readJson(await ctx.request("/v1/model", { key: ws.keys.manager }));
    const [v] = body.riskModel.versions;
    expect(v).toMatchObject({ alertBudgetPer1kPerWeek: 5, alertThreshold: expect.any(Number), alertExpectedPer1kPerWeek: expect.any(Number) });
    // Here four in ten customers leave within a year: even the model's highest probability
    // would raise more than 5 a week, so the line is that highest probability, and it says so.
    const highest = Math.max(...(await riskRows(ws.id)).map((r) => r.risk_probability!));
    expect(v.alertThreshold).toBe(highest);
    expect(v.alertExpectedPer1kPerWeek).toBeGreaterThan(5);
  });

  it("writes the line beside each customer's probability, so a rule compares riskProbability with riskAlertThreshold", async () => {
    const [version] = await ctx.database.sql<{ alert_threshold: number }[]>`select alert_threshold from risk_model_versions where workspace_id = ${ws.id}`;
    const rows = await riskRows(ws.id);
    expect(rows.every((r) => r.risk_alert_threshold === version!.alert_threshold)).toBe(true);
    const aboveLine = compileRule({ all: [{ fact: "riskProbability", operator: "greaterThanInclusive", value: { fact: "riskAlertThreshold", factor: 1 } }] });
    const facts = await loadFacts(ctx, { workspaceId: ws.id, customerIds: ids, asOf: NOW });
    const matched = new Set(facts.filter((f) => aboveLine(f.facts).matched).map((f) => f.customerId));
    expect(matched).toEqual(new Set(rows.filter((r) => r.risk_probability! >= version!.alert_threshold).map((r) => r.customer_id)));
    expect(matched.size).toBeLessThan(ids.length);
  });

  it("sets a lower line on the same history for a larger budget, within it", async () => {
    const large = await loadWorkspace(600, 11, { riskModel: { alertBudgetPer1kPerWeek: 60 } });
    await fitWorkspaceModel(ctx, { workspaceId: large.ws.id });
    const line = async (workspaceId: string) =>
      (await ctx.database.sql<{ alert_threshold: number; alert_expected_per_1k_per_week: number }[]>`
        select alert_threshold, alert_expected_per_1k_per_week from risk_model_versions where workspace_id = ${workspaceId} and version = 1`)[0]!;
    const [five, sixty] = [await line(ws.id), await line(large.ws.id)];
    expect(sixty.alert_threshold).toBeLessThan(five.alert_threshold);
    expect(sixty.alert_expected_per_1k_per_week).toBeLessThanOrEqual(60);
  }, 120_000);

  it("keeps its versions: a refit adds version 2 and retires version 1", async () => {
    ctx.setNow(new Date(NOW.getTime() + 86_400_000));
    try {
      const again = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
      expect(again.riskModel).toMatchObject({ version: 2, status: "live" });
      const body = await readJson(await ctx.request("/v1/model", { key: ws.keys.manager }));
      expect(body.riskModel.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
        [2, "live"],
        [1, "retired"],
      ]);
      // The retired version's AUC on the new validation set: a number that is an AUC (NaN passes expect.any).
      const { previousLive } = body.riskModel.versions[0].report;
      expect(previousLive.version).toBe(1);
      expect(previousLive.auc).toBeGreaterThanOrEqual(0);
      expect(previousLive.auc).toBeLessThanOrEqual(1);
    } finally {
      ctx.setNow(NOW);
    }
  });
});

describe("below what it needs", () => {
  it("says so and leaves the score to the purchase model", async () => {
    ctx.setNow(NOW);
    const { ws } = await loadWorkspace(60, 5, { model: { minCustomers: 10, minRepeatCustomers: 5 } });
    const outcome = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(outcome.status).toBe("fitted");
    expect(outcome.riskModel).toMatchObject({ status: "insufficient_data", message: expect.stringMatching(/Not enough history.*purchase model scores/) });
    const rows = await riskRows(ws.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.risk_probability === null && r.risk_alert_threshold === null)).toBe(true);
    const body = await readJson(await ctx.request("/v1/model", { key: ws.keys.manager }));
    expect(body.riskModel).toMatchObject({ scoring: "purchase_model", liveVersion: null, message: expect.stringMatching(/^The purchase model scores\. Not enough history/) });
  }, 60_000);
});

describe("shadow mode", () => {
  it("fits and reports a winning version without scoring with it", async () => {
    ctx.setNow(NOW);
    const { ws } = await loadWorkspace(400, 12, { riskModel: { mode: "shadow" } });
    const outcome = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(outcome.riskModel).toMatchObject({ status: "shadow", message: expect.stringMatching(/shadow/) });
    expect((await riskRows(ws.id)).every((r) => r.risk_probability === null)).toBe(true);
  }, 60_000);
});

describe("the alert budget setting", () => {
  it("merges with the mode key by key and refuses a budget that is not positive, naming the field", async () => {
    const ws = await ctx.workspace();
    const patch = (json: unknown) => ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json });
    expect((await patch({ riskModel: { mode: "shadow" } })).status).toBe(200);
    expect((await readJson(await patch({ riskModel: { alertBudgetPer1kPerWeek: 2 } }))).settings.riskModel).toEqual({ mode: "shadow", alertBudgetPer1kPerWeek: 2 });
    const bad = await patch({ riskModel: { alertBudgetPer1kPerWeek: 0 } });
    expect(bad.status).toBe(422);
    expect((await readJson(bad)).errors.map((e: { path: string }) => e.path)).toEqual(["riskModel.alertBudgetPer1kPerWeek"]);
  });
});

describe("the decision", () => {
  it("keeps the purchase model when the learned model does not rank better, and says why", () => {
    expect(decideRiskVersion({ learnedAuc: 0.71, purchaseAuc: 0.71, mode: "auto", validationDate: "2026-08-22" })).toEqual({
      status: "rejected",
      message:
        "On 2026-08-22 (out of time) the learned model's AUC is 0.710 against the purchase model's 0.710. It does not beat the purchase model, so the purchase model keeps scoring.",
    });
    expect(decideRiskVersion({ learnedAuc: 0.72, purchaseAuc: 0.71, mode: "auto", validationDate: "2026-08-22" }).status).toBe("live");
  });
});
