// Fitting the workspace's learned risk model and deciding whether it scores.
//
// Rows: a sample of customers with a purchase (RISK_MAX_CUSTOMERS) × RISK_DATES as-of dates,
// the last one `horizonDays` before now (so its outcome is known), the others RISK_STEP_DAYS
// apart before it. Out of time: trained on all dates but the last two, calibrated (isotonic)
// on the second last, validated on the last, where it meets the purchase model's churn
// probability on the same customers. It goes live only when its validation AUC is higher; a
// live version it replaces is retired. A workspace may keep new versions in shadow (settings
// `riskModel.mode`): fitted and reported, not scored.
import type { RiskModelParamsJson, RiskModelReportJson, RiskModelStatus } from "../../../db/risk-model-schema.ts";
import { findLatestFittedFit } from "../../../db/queries/model.ts";
import type { Deps } from "../../deps.ts";
import { newId } from "../../ids.ts";
import {
  fitOnSplit,
  outOfTimeSplit,
  predictRiskMatrix,
  rocAuc,
  takeRows,
  type Matrix,
  type ProbabilityReport,
  type RiskModelParams,
  type RiskTrainingSet,
} from "../../model/risk/index.ts";
import { modelSettingsOf } from "../../workspaces/settings.ts";
import { getWorkspace } from "../../workspaces/workspaces.ts";
import { fitParams } from "../score-summary.ts";
import { alertLineForBudget, customerCounts, DEFAULT_ALERT_BUDGET_PER_1K_PER_WEEK, type AlertLine } from "./alert-budget.ts";
import { applyRiskModel, liveRiskVersion, toRiskParams } from "./apply-risk-model.ts";
import { inputsOf, riskInputByName, riskInputs, type RiskInput } from "./inputs.ts";
import { sampleCustomers, trainingDates, trainingRowsAt, type TrainingRow } from "./training-set.ts";

/** Customers sampled for training: plenty for ~26 coefficients, and a fit of seconds at any size. */
export const RISK_MAX_CUSTOMERS = 10_000;
export const RISK_DATES = 6;
export const RISK_STEP_DAYS = 14;
/** Below these the validation says too little: no version is made (the purchase model scores). */
export const RISK_MIN_CUSTOMERS_PER_DATE = 100;
export const RISK_MIN_EACH_OUTCOME = 10;
const L2 = 1e-2;
const LOCK_NAMESPACE = 0x52_49_53_4b; // "RISK"

export type RiskModelMode = "auto" | "shadow" | "off";

export type RiskFitOutcome = { versionId: string | null; version: number | null; status: RiskModelStatus | "off"; message: string; scored: number };

const dayIso = (d: Date) => d.toISOString().slice(0, 10);
const f3 = (v: number) => v.toFixed(3);

export async function fitWorkspaceRiskModel(deps: Deps, input: { workspaceId: string; mode?: RiskModelMode }): Promise<RiskFitOutcome> {
  const { workspaceId } = input;
  const mode = input.mode ?? "auto";
  if (mode === "off") return { versionId: null, version: null, status: "off", message: "The learned risk model is off for this workspace.", scored: 0 };
  const started = performance.now();
  const asOf = deps.clock();
  const { settings } = await getWorkspace(deps.database.db, workspaceId);
  const { horizonDays } = modelSettingsOf(settings);
  const sql = deps.database.sql;
  const fit = await findLatestFittedFit(sql, workspaceId);
  const params = fit && fitParams(fit);

  const budget = settings.riskModel?.alertBudgetPer1kPerWeek ?? DEFAULT_ALERT_BUDGET_PER_1K_PER_WEEK;
  type Extra = { params?: RiskModelParamsJson; report?: RiskModelReportJson; line?: AlertLine };
  const record = async (status: RiskModelStatus, message: string, extra: Extra = {}) =>
    sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${workspaceId}))`;
      const [row] = await tx<{ next: number }[]>`
        select coalesce(max(version), 0) + 1 as next from risk_model_versions where workspace_id = ${workspaceId}`;
      const next = row!.next;
      const id = newId("risk");
      if (status === "live") {
        await tx`update risk_model_versions set status = 'retired' where workspace_id = ${workspaceId} and status = 'live'`;
      }
      await tx`
        insert into risk_model_versions (workspace_id, id, version, status, message, fit_id, fitted_at, as_of, horizon_days, params, report, auc, purchase_model_auc, fit_ms,
          alert_budget_per_1k_per_week, alert_threshold, alert_expected_per_1k_per_week)
        values (${workspaceId}, ${id}, ${next}, ${status}, ${message}, ${fit?.id ?? null}, ${deps.clock()}, ${asOf}, ${horizonDays},
          ${extra.params ? tx.json(extra.params) : null}, ${extra.report ? tx.json(extra.report as never) : null},
          ${extra.report?.validation.auc ?? null}, ${extra.report?.purchaseModel.auc ?? null}, ${performance.now() - started},
          ${budget}, ${extra.line?.threshold ?? null}, ${extra.line?.expectedPer1kPerWeek ?? null})`;
      return { id, version: next };
    });
  const finish = async (status: RiskModelStatus, message: string, extra: Extra = {}) => {
    const { id, version } = await record(status, message, extra);
    // Scores follow whichever version is live now (or the purchase model when none is).
    const scored = await applyRiskModel(sql, { workspaceId, asOf });
    deps.log.info("risk model fitted", { workspaceId, version, status, ms: Math.round(performance.now() - started) });
    return { versionId: id, version, status, message, scored };
  };

  if (!fit || !params) {
    return finish("insufficient_data", "The learned risk model needs a fitted purchase model first (its outputs are inputs); the purchase model's status says why there is none.");
  }
  // Rows.
  const dates = trainingDates(asOf, horizonDays, RISK_DATES, RISK_STEP_DAYS);
  const customerIds = await sampleCustomers(sql, { workspaceId, max: RISK_MAX_CUSTOMERS });
  const perDate: TrainingRow[][] = [];
  for (const date of dates) {
    perDate.push(await trainingRowsAt(sql, { workspaceId, asOf: date, horizonDays, customerIds, settings, fit, params }));
  }
  const short = shortfall(perDate, dates);
  if (short) {
    return finish(
      "insufficient_data",
      `Not enough history for the learned risk model yet: ${short} It needs ${RISK_DATES} as-of dates ${RISK_STEP_DAYS} days apart, the last ${horizonDays} days ago, ` +
        `each with at least ${RISK_MIN_CUSTOMERS_PER_DATE} customers who had bought and ${RISK_MIN_EACH_OUTCOME} who did and did not buy again within ${horizonDays} days. Until then the purchase model scores.`,
    );
  }

  const rows = perDate.flat();
  const period = perDate.flatMap((rs, k) => rs.map(() => k));
  const set = trainingSet(rows, period, riskInputs);
  const split = outOfTimeSplit(period);
  const learned = fitOnSplit(set, split, { l2: L2 });
  // What the competitor evidence adds: the same fit without those inputs.
  const ownOnly = riskInputs.filter((i) => i.group !== "competitor");
  const ownSet = trainingSet(rows, period, ownOnly);
  const ownFit = fitOnSplit(ownSet, split, { l2: L2 });
  const withoutCompetitors = ownFit.report.validation;
  const validationY = Uint8Array.from(split.validation, (r) => set.y[r]!);
  const previous = await liveRiskVersion(sql, workspaceId);
  const previousAuc = previous ? previousOnValidation(previous.params, rows, split.validation, validationY) : null;

  const paramsJson: RiskModelParamsJson = { ...learned.params, calibration: learned.params.calibration };
  const validation = learned.report.validation;
  const purchase = learned.report.baseline!;
  const report: RiskModelReportJson = {
    trainRows: learned.report.trainRows,
    calibrationRows: learned.report.calibrationRows,
    dates: { train: dates.slice(0, -2).map(dayIso), calibration: dayIso(dates.at(-2)!), validation: dayIso(dates.at(-1)!) },
    customersSampled: customerIds.length,
    validation: round(validation),
    purchaseModel: round(purchase),
    withoutCompetitorInputs: round(withoutCompetitors),
    withRivalEvidence: rivalEvidenceAuc({ set, ownSet, learned: learned.params, own: ownFit.params, validation: split.validation }),
    previousLive: previous && previousAuc !== null ? { id: previous.id, version: previous.version, auc: previousAuc } : null,
    converged: learned.report.converged,
    iterations: learned.report.iterations,
  };
  const { status, message } = decideRiskVersion({ learnedAuc: validation.auc, purchaseAuc: purchase.auc, mode, validationDate: report.dates.validation });
  // The alert line: the budget met by customers newly crossing it between the fit's own dates.
  const predicted = predictRiskMatrix(toRiskParams(paramsJson), set.X);
  const counts = await customerCounts(sql, workspaceId);
  const line = alertLineForBudget({
    dates: perDate.map((_, k) => {
      const at = period.flatMap((p, i) => (p === k ? [i] : []));
      return { customerIds: at.map((i) => rows[i]!.customerId), probabilities: at.map((i) => predicted[i]!) };
    }),
    stepDays: RISK_STEP_DAYS,
    perSampled: counts.purchasers / Math.max(1, customerIds.length),
    customers: counts.customers,
    budgetPer1kPerWeek: budget,
  });
  return finish(status, message, { params: paramsJson, report, line });
}

/** Live when it ranks better than the purchase model on the validation date (shadow mode keeps it out of scores). */
export function decideRiskVersion(input: { learnedAuc: number; purchaseAuc: number; mode: RiskModelMode; validationDate: string }): {
  status: RiskModelStatus;
  message: string;
} {
  const { learnedAuc, purchaseAuc } = input;
  const compared = `On ${input.validationDate} (out of time) the learned model's AUC is ${f3(learnedAuc)} against the purchase model's ${f3(purchaseAuc)}.`;
  if (!(learnedAuc > purchaseAuc)) {
    return { status: "rejected", message: `${compared} It does not beat the purchase model, so the purchase model keeps scoring.` };
  }
  if (input.mode === "shadow") {
    return { status: "shadow", message: `${compared} It would score, but the workspace keeps new versions in shadow (riskModel.mode = shadow).` };
  }
  return { status: "live", message: `${compared} It beats the purchase model, so it scores now.` };
}

function shortfall(perDate: TrainingRow[][], dates: Date[]): string | null {
  for (const k of [perDate.length - 1, perDate.length - 2]) {
    const rows = perDate[k]!;
    const quiet = rows.filter((r) => r.wentQuiet).length;
    if (rows.length < RISK_MIN_CUSTOMERS_PER_DATE || quiet < RISK_MIN_EACH_OUTCOME || rows.length - quiet < RISK_MIN_EACH_OUTCOME) {
      return `on ${dayIso(dates[k]!)} there were ${rows.length} customers who had bought, ${quiet} of whom did not buy again.`;
    }
  }
  const train = perDate.slice(0, -2).flat();
  if (train.length < 2 * RISK_MIN_CUSTOMERS_PER_DATE) return `the training dates hold ${train.length} customer-dates.`;
  return null;
}

function trainingSet(rows: TrainingRow[], period: number[], inputs: readonly RiskInput[]): RiskTrainingSet {
  return {
    inputs: inputs.map((i) => i.name),
    X: columnsOf(rows, inputs),
    y: Uint8Array.from(rows, (r) => (r.wentQuiet ? 1 : 0)),
    period,
    baseline: Float64Array.from(rows, (r) => r.churnProbability),
  };
}

/** The rows' values of `inputs` (riskInputs, any subset in any order), as a row-major matrix. */
function columnsOf(rows: TrainingRow[], inputs: readonly RiskInput[]): Matrix {
  const at = inputs.map((i) => riskInputs.indexOf(i));
  const data = new Float64Array(rows.length * at.length);
  rows.forEach((r, k) => at.forEach((j, c) => (data[k * at.length + c] = r.inputs[j]!)));
  return { rows: rows.length, cols: at.length, data };
}

function previousOnValidation(params: RiskModelParamsJson, rows: TrainingRow[], validation: number[], y: Uint8Array): number | null {
  try {
    // Columns in the stored version's order; a version reading an input this release no
    // longer has cannot be compared (inputsOf throws).
    return rocAuc(predictRiskMatrix(toRiskParams(params), takeRows(columnsOf(rows, inputsOf(params.inputs)), validation)), y);
  } catch {
    return null;
  }
}

/**
 * The two models on the validation rows with any competitor evidence (rival app use or spend,
 * now or usual): over all rows most customers have none and recency ranks nearly everyone (an
 * AUC near 0.95 leaves a competitor input little to add), so what rival evidence adds is read
 * where there is some. Null with fewer than RISK_MIN_EACH_OUTCOME rows of either outcome.
 */
function rivalEvidenceAuc(input: { set: RiskTrainingSet; ownSet: RiskTrainingSet; learned: RiskModelParams; own: RiskModelParams; validation: number[] }) {
  const { set, ownSet } = input;
  const competitorColumns = set.inputs.flatMap((name, j) => (riskInputByName.get(name)?.group === "competitor" ? [j] : []));
  const rows = input.validation.filter((r) => competitorColumns.some((j) => set.X.data[r * set.X.cols + j] !== 0));
  const y = Uint8Array.from(rows, (r) => set.y[r]!);
  const quiet = y.reduce((n, v) => n + v, 0);
  if (quiet < RISK_MIN_EACH_OUTCOME || rows.length - quiet < RISK_MIN_EACH_OUTCOME) return null;
  return {
    rows: rows.length,
    auc: r4(rocAuc(predictRiskMatrix(input.learned, takeRows(set.X, rows)), y)),
    aucWithoutCompetitorInputs: r4(rocAuc(predictRiskMatrix(input.own, takeRows(ownSet.X, rows)), y)),
  };
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
function round(p: ProbabilityReport): ProbabilityReport {
  return {
    ...p,
    auc: r4(p.auc),
    brier: r4(p.brier),
    ece: r4(p.ece),
    reliability: p.reliability.map((b) => ({ ...b, minPredicted: r4(b.minPredicted), maxPredicted: r4(b.maxPredicted), meanPredicted: r4(b.meanPredicted), observedRate: r4(b.observedRate) })),
  };
}
