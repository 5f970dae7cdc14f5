// Fitting a workspace's model on its live purchases and scoring every customer with it.
//
// One run is one transaction under a per-workspace advisory lock: the purchase summary
// (one query, and one as of the model choice's split), the choice between BG/NBD and
// Pareto/NBD, the chosen model's and Gamma-Gamma's fits, the fit row and every customer's scores
// (one insert per page). Readers see the old scores or the new ones, never a mix, and two
// runs for one workspace queue behind each other instead of racing.
//
// A workspace has at most one fit per period (the UTC day of the as-of moment). A run that
// finds the period's fit made and no signal arrived since does nothing (a job delivered
// twice, a double click); otherwise it replaces the period's fit, keeping its id.
import type postgres from "postgres";
import {
  deleteScoresBefore,
  findLatestFittedFit,
  findPeriodFit,
  selectCustomersWithUnseenPurchases,
  selectPurchaseSummary,
  selectStoredSummary,
  signalsArrivedSince,
  upsertModelFit,
  writeModelScores,
  ageModelScores,
  type ModelFitRow,
  type PurchaseSummary,
} from "../../db/queries/model.ts";
import type { ModelFit, ModelFitStatus, ModelSettings } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { newId } from "../ids.ts";
import { inParallel } from "../parallel.ts";
import {
  choosePurchaseModel,
  defaultModelChoice,
  fitGammaGammaScaled,
  fitPurchaseModel,
  holdoutDaysFor,
  PURCHASE_MODEL_NAMES,
  type GammaGammaFit,
  type ModelChoice,
  type PurchaseModelFit,
} from "../model/index.ts";
import { modelSettingsOf, sameModelSettings } from "../workspaces/settings.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { applyRiskModel } from "./risk/apply-risk-model.ts";
import { fitWorkspaceRiskModel, type RiskFitOutcome } from "./risk/fit-risk-model.ts";
import { fitParams, scoreSummary, usableGammaGamma } from "./score-summary.ts";

/** Customers per insert statement when writing scores. */
export const SCORE_PAGE_SIZE = 5_000;
/** Customers per read of stored summaries when the daily pass ages model values. */
export const STORED_SUMMARY_PAGE_SIZE = 20_000;
/** The most repeat customers the Gamma-Gamma fit sees (an even sample above it). */
export const GAMMA_GAMMA_MAX_CUSTOMERS = 100_000;
/**
 * About the most customers the model choice compares the two models on (an even sample by id
 * hash above it): two models and a two-parameter recalibration need far fewer, and at a
 * million customers the choice's second summary and its scratch arrays set the fit's peak memory.
 */
export const MODEL_CHOICE_MAX_CUSTOMERS = 200_000;
const LOCK_NAMESPACE = 0x4d_4f_44_4c; // "MODL"

export type ModelFitOutcome = {
  fitId: string;
  status: ModelFitStatus;
  /** True when the period's fit was already made from the same data and nothing was done. */
  reused: boolean;
  customers: number;
  customersScored: number;
  message: string | null;
  /** The learned risk model fitted after a new purchase fit (src/model-fits/risk). */
  riskModel?: RiskFitOutcome;
};

/** Serialises model runs per workspace until the transaction ends. */
async function lockWorkspaceModel(tx: postgres.TransactionSql, workspaceId: string) {
  await tx`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${workspaceId}))`;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function fitWorkspaceModel(deps: Deps, input: { workspaceId: string }): Promise<ModelFitOutcome> {
  const purchase = await fitWorkspacePurchaseModel(deps, input);
  if (purchase.reused || purchase.status !== "fitted") return purchase;
  return { ...purchase, riskModel: await fitRiskModelAfter(deps, input.workspaceId) };
}

/** The learned model's fit never undoes the purchase model's: a failure is logged and reported. */
async function fitRiskModelAfter(deps: Deps, workspaceId: string): Promise<RiskFitOutcome> {
  try {
    const { settings } = await getWorkspace(deps.database.db, workspaceId);
    return await fitWorkspaceRiskModel(deps, { workspaceId, mode: settings.riskModel?.mode });
  } catch (err) {
    deps.log.warn("risk model fit failed", { workspaceId, err: errorText(err) });
    return { versionId: null, version: null, status: "failed", message: `The learned risk model's fit failed: ${errorText(err)}`, scored: 0 };
  }
}

async function fitWorkspacePurchaseModel(deps: Deps, input: { workspaceId: string }): Promise<ModelFitOutcome> {
  const { workspaceId } = input;
  const { settings: workspaceSettings } = await getWorkspace(deps.database.db, workspaceId);
  const settings = modelSettingsOf(workspaceSettings);
  const asOf = deps.clock();
  const period = asOf.toISOString().slice(0, 10);

  return deps.database.sql.begin(async (tx) => {
    await lockWorkspaceModel(tx, workspaceId);
    const existing = await findPeriodFit(tx, { workspaceId, period });
    // Reused only when made with the same settings from the same data.
    if (existing?.status === "fitted" && sameModelSettings(existing, settings) && !(await signalsArrivedSince(tx, { workspaceId, since: existing.asOf }))) {
      return outcome(existing, true);
    }

    const started = performance.now();
    const summary = await selectPurchaseSummary(tx, { workspaceId, asOf });
    const row: ModelFitRow = {
      workspaceId,
      id: existing?.id ?? newId("fit"),
      period,
      status: "fitted",
      message: null,
      error: null,
      fittedAt: asOf,
      asOf,
      ...settings,
      customers: summary.size,
      customersWithRepeat: summary.repeatCustomers,
      customersScored: 0,
      r: null,
      alpha: null,
      a: null,
      b: null,
      s: null,
      beta: null,
      purchaseModel: "bgnbd",
      modelChoice: null,
      logLikelihood: null,
      iterations: null,
      converged: null,
      p: null,
      q: null,
      gamma: null,
      gammaGammaLogLikelihood: null,
      fitMs: null,
      runMs: null,
    };
    const store = async (values: Partial<ModelFitRow>) => {
      const stored = { ...row, ...values, fittedAt: deps.clock(), runMs: performance.now() - started };
      const id = await upsertModelFit(tx, stored);
      if (id !== row.id) throw new Error(`model fit ${row.id} for ${period} collided with ${id}; retry`);
      return outcome(stored as ModelFit, false);
    };

    if (summary.size < settings.minCustomers || summary.repeatCustomers < settings.minRepeatCustomers) {
      return store({
        status: "insufficient_data",
        message:
          `Not enough purchase history for the model yet: ${summary.size} customers with a purchase (needs ${settings.minCustomers}) ` +
          `and ${summary.repeatCustomers} with a repeat purchase on a later day (needs ${settings.minRepeatCustomers}). ` +
          "Until then scores leave the model's part out.",
      });
    }

    const choice = await chooseModel(tx, { workspaceId, asOf, summary, settings }).catch((err: unknown) => {
      deps.log.warn("model choice failed", { workspaceId, err: errorText(err) });
      return defaultModelChoice(`BG/NBD kept: comparing the models failed (${errorText(err)}).`);
    });
    const name = PURCHASE_MODEL_NAMES[choice.chosen];
    let fit: PurchaseModelFit;
    try {
      fit = fitPurchaseModel(choice.chosen, { x: summary.x, tx: summary.tx, T: summary.T }, { penalizer: settings.penalizer });
    } catch (err) {
      deps.log.warn("model fit failed", { workspaceId, err: errorText(err) });
      return store({ status: "failed", error: errorText(err), modelChoice: choice, message: `The ${name} fit failed; scores keep the previous fit, if any.` });
    }
    const spend = fitSpend(summary, settings.penalizer);
    const notes = [
      fit.converged ? null : `The ${name} optimiser stopped after ${fit.iterations} iterations without converging; the parameters are the best it found.`,
      spend.note,
    ].filter((n): n is string => n !== null);
    const values: Partial<ModelFitRow> = {
      status: "fitted",
      message: notes.length > 0 ? notes.join(" ") : null,
      purchaseModel: choice.chosen,
      ...fit.model.params,
      modelChoice: choice,
      logLikelihood: fit.logLikelihood,
      iterations: fit.iterations,
      converged: fit.converged,
      p: spend.fit?.params.p ?? null,
      q: spend.fit?.params.q ?? null,
      gamma: spend.fit?.params.gamma ?? null,
      gammaGammaLogLikelihood: spend.fit?.logLikelihood ?? null,
      fitMs: choice.fitMs + fit.fitMs + (spend.fit?.fitMs ?? 0),
      customersScored: summary.size,
    };
    const scoredAt = asOf;
    const params = fitParams({ ...row, ...values, createdAt: asOf } as ModelFit)!;
    for (const page of summaryPages(summary, SCORE_PAGE_SIZE)) {
      await writeModelScores(tx, { workspaceId, fitId: row.id, scoredAt, summary: page, scores: scoreSummary(settings, params, page), from: 0, to: page.size });
    }
    await deleteScoresBefore(tx, { workspaceId, scoredAt });
    return store(values);
  });
}

const DAY_MS = 86_400_000;

/**
 * BG/NBD or Pareto/NBD by holdout log-likelihood (src/model/purchase-model.ts): the purchases
 * up to `horizonDays` before now (at most half the history) train both, the days since judge
 * them. The split's summary is a second read of the purchases, as of the split, of every
 * customer or, above MODEL_CHOICE_MAX_CUSTOMERS, of an even sample.
 */
async function chooseModel(
  tx: postgres.TransactionSql,
  input: { workspaceId: string; asOf: Date; summary: PurchaseSummary; settings: ModelSettings },
): Promise<ModelChoice> {
  const { summary, settings } = input;
  let maxT = 0;
  for (let i = 0; i < summary.size; i++) maxT = Math.max(maxT, summary.T[i]!);
  const holdoutDays = holdoutDaysFor(settings.horizonDays, Math.round(maxT * 7));
  const split = new Date(input.asOf.getTime() - holdoutDays * DAY_MS);
  const sampleEvery = Math.ceil(summary.size / MODEL_CHOICE_MAX_CUSTOMERS);
  const atSplit = await selectPurchaseSummary(tx, { workspaceId: input.workspaceId, asOf: split, sampleEvery });
  // Both summaries are in customer id order (one query's ORDER BY), and whoever had bought by
  // the split is in the end's: one walk pairs them, without a Map of every id.
  const atEnd = { x: new Float64Array(atSplit.size), tx: new Float64Array(atSplit.size), T: new Float64Array(atSplit.size) };
  for (let i = 0, j = 0; i < atSplit.size; i++, j++) {
    while (j < summary.size && summary.ids[j] !== atSplit.ids[i]) j++;
    if (j === summary.size) throw new Error(`customer ${atSplit.ids[i]} bought by the split but not by the end`);
    atEnd.x[i] = summary.x[j]!;
    atEnd.tx[i] = summary.tx[j]!;
    atEnd.T[i] = summary.T[j]!;
  }
  return choosePurchaseModel({
    atSplit: { x: atSplit.x, tx: atSplit.tx, T: atSplit.T },
    atEnd,
    splitDay: split.toISOString().slice(0, 10),
    holdoutDays,
    penalizer: settings.penalizer,
    minCustomers: settings.minCustomers,
    minRepeatCustomers: settings.minRepeatCustomers,
  });
}

/**
 * Gamma-Gamma on the customers with a repeat purchase of positive value; null with a note when
 * it cannot be used.
 * - The spend is scaled to mean 1 for the fit and γ scaled back (the model is scale-free: p and
 *   q do not change, γ scales with the currency). The L2 penaliser then means the same in every
 *   currency, and it keeps q finite when spend hardly varies between customers, where plain
 *   maximum likelihood drifts to q → ∞ and the optimiser takes minutes. Penaliser 0 is plain
 *   maximum likelihood.
 * - Its likelihood costs a pass over every such customer (z̄ is continuous, so rows do not
 *   aggregate), and three parameters need far fewer than a large workspace has: above
 *   GAMMA_GAMMA_MAX_CUSTOMERS an even sample in customer id order is used.
 */
function fitSpend(summary: PurchaseSummary, penalizer: number): { fit: GammaGammaFit | null; note: string | null } {
  const spenders: number[] = [];
  for (let i = 0; i < summary.size; i++) if (summary.x[i]! > 0 && summary.zbar[i]! > 0) spenders.push(i);
  if (spenders.length === 0) return { fit: null, note: "No repeat purchase has a value, so CLV and value at risk are left out." };
  const size = Math.min(spenders.length, GAMMA_GAMMA_MAX_CUSTOMERS);
  const step = spenders.length / size;
  const rows = Array.from({ length: size }, (_, k) => spenders[Math.floor(k * step)]!);
  const x = Float64Array.from(rows, (i) => summary.x[i]!);
  const zbar = Float64Array.from(rows, (i) => summary.zbar[i]!);
  try {
    const fit = fitGammaGammaScaled({ x, zbar }, { penalizer });
    const params = fit.params;
    if (!usableGammaGamma(params.p, params.q, params.gamma)) {
      return { fit, note: `Gamma-Gamma q = ${params.q.toFixed(3)} ≤ 1: the mean order value is undefined, so CLV and value at risk are left out.` };
    }
    return { fit, note: fit.converged ? null : `The Gamma-Gamma optimiser stopped after ${fit.iterations} iterations without converging; the parameters are the best it found.` };
  } catch (err) {
    return { fit: null, note: `The Gamma-Gamma fit failed (${errorText(err)}), so CLV and value at risk are left out.` };
  }
}

/**
 * A summary in pages of `size` customers, each a view on its columns (no copy). Scored a page
 * at a time, a million customers' model values (six columns, and six more from the second
 * scoring for the 90-day purchases) are never all held at once.
 */
export function summaryPages(summary: PurchaseSummary, size: number): PurchaseSummary[] {
  const pages: PurchaseSummary[] = [];
  for (let from = 0; from < summary.size; from += size) {
    const to = Math.min(summary.size, from + size);
    const x = summary.x.subarray(from, to);
    let repeatCustomers = 0;
    for (const v of x) if (v > 0) repeatCustomers++;
    pages.push({
      ids: summary.ids.slice(from, to),
      x,
      tx: summary.tx.subarray(from, to),
      T: summary.T.subarray(from, to),
      zbar: summary.zbar.subarray(from, to),
      size: to - from,
      repeatCustomers,
    });
  }
  return pages;
}

function outcome(fit: Pick<ModelFit, "id" | "status" | "customers" | "customersScored" | "message">, reused: boolean): ModelFitOutcome {
  return { fitId: fit.id, status: fit.status, reused, customers: fit.customers, customersScored: fit.customersScored, message: fit.message };
}

/**
 * Every customer scored again with the latest fit as of now, without refitting: time since
 * the last purchase grows every day, and so does the churn probability. Customers with a
 * purchase their stored values have not seen (by their features, so refresh those first, as
 * the daily pass does) are summarised from their signals; everyone else's stored summary is
 * aged, which spares the daily pass a read of every purchase. Null without a fit.
 *
 * Pages are written side by side (`parallelism`), each on its own: aging needs no snapshot,
 * and the row guard in writeModelScores keeps a newer fit's or a later scoring's values
 * against a late page, so no lock against a fit running meanwhile is needed.
 */
export async function scoreWorkspaceWithLatestFit(
  deps: Deps,
  input: { workspaceId: string; asOf?: Date; parallelism?: number; storedPageSize?: number },
): Promise<{ fitId: string; customersScored: number } | null> {
  const { workspaceId } = input;
  const pageSize = input.storedPageSize ?? STORED_SUMMARY_PAGE_SIZE;
  const scoredAt = input.asOf ?? deps.clock();
  const sql = deps.database.sql;
  const fit = await findLatestFittedFit(sql, workspaceId);
  const params = fit && fitParams(fit);
  if (!fit || !params) return null;
  const unseen = await selectCustomersWithUnseenPurchases(sql, { workspaceId });
  const parallelism = input.parallelism ?? 1;
  const scoreAndWrite = async (summary: PurchaseSummary, write: typeof writeModelScores) => {
    await inParallel(summaryPages(summary, SCORE_PAGE_SIZE), parallelism, (page) =>
      write(sql, { workspaceId, fitId: fit.id, scoredAt, summary: page, scores: scoreSummary(fit, params, page), from: 0, to: page.size }),
    );
  };
  // Re-summarised customers are written whole; the rest only age (see ageModelScores), read
  // a page at a time in id order, the next page read while this one is written: read whole,
  // every customer's stored row was held at once (60 MiB more resident at 200,000 customers).
  const resummarised = unseen.length > 0 ? await selectPurchaseSummary(sql, { workspaceId, asOf: scoredAt, customerIds: unseen }) : null;
  if (resummarised) await scoreAndWrite(resummarised, writeModelScores);
  let aged = 0;
  const readAfter = (after: string | undefined) =>
    selectStoredSummary(sql, { workspaceId, asOf: scoredAt, except: unseen, after, limit: pageSize });
  let reading: Promise<PurchaseSummary | null> = readAfter(undefined);
  for (let stored = await reading; stored && stored.size > 0; stored = await reading) {
    reading = stored.size < pageSize ? Promise.resolve(null) : readAfter(stored.ids[stored.size - 1]);
    // Awaited below; a failed write leaves the loop first, and its failure is the one reported.
    reading.catch(() => undefined);
    await scoreAndWrite(stored, ageModelScores);
    aged += stored.size;
  }
  await applyRiskModel(sql, { workspaceId, asOf: scoredAt });
  return { fitId: fit.id, customersScored: (resummarised?.size ?? 0) + aged };
}
