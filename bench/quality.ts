// Detection quality: simulate a workspace with ground truth, run the service's real
// pipeline over it in time order, and score the alerts against who really defected.
//
//   npm run bench -- quality [--size N] [--days D] [--seed S]
//
// Time order: the replay engine (src/replay/engine.ts) runs the pipeline over the simulated
// history as production would: the signals up to the warm-up day load first as history;
// then the clock moves from moment to moment (each step's end and every firing of the
// scheduler's cron patterns: the daily pass every day, the model fit weekly, the tier
// re-evaluation quarterly), ingesting through the real ingest path, draining the refresh
// requests (the streaming path) and running the jobs due. Alerts still open after 28 days
// are resolved, as a manager would, so a customer can alert again after the cooldown.
//
// Strategies compared, each "one alert per customer per 28 days", alerts scored alike:
// - rules: the service's own alerts (table `alerts`): the default rule pack, with the
//   model's part of the score (modelWeight, 20 points at most) as shipped;
// - model: churn probability (customer_model_scores) ≥ 0.6 and value at risk ≥ 100,000 KRW;
// - combined: an alert when either the rules or the model alert;
// - recency: days since the last purchase > 45 (baseline);
// - rfm: 180-day spend ≥ 300,000 and orders ≥ 4 and days since the last purchase > 30 (baseline).
// An alert is a true positive when it is on a defector and opened between 14 days before
// the slide began (onset) and 30 days after the defection; lead time = defection − alert.
import type { Deps } from "../src/deps.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger, type Logger } from "../src/log.ts";
import type { RiskModelReportJson } from "../db/risk-model-schema.ts";
import { cdnowFile, evaluateModel, loadTransactions } from "../src/model/index.ts";
import { runReplay } from "../src/replay/engine.ts";
import { NoQueues } from "../src/replay/no-queues.ts";
import { arraySource } from "../src/replay/source.ts";
import { loadGroundTruth, saveGroundTruth, simulate, type GroundTruth } from "../src/simulator/index.ts";
import { createWorkspace, updateWorkspaceSettings } from "../src/workspaces/workspaces.ts";
import { freshDatabase, machineFacts, memoryReport } from "./support.ts";
import type { Database } from "../db/client.ts";
import { daysSinceLastPurchaseSql } from "../db/queries/features.ts";
import type { Brand } from "../src/simulator/index.ts";
import type { SignalInput } from "../src/signals/schema.ts";
import { archetypeTable, figuresByArchetype, isTruePositive } from "./quality-report.ts";

const DAY = 86_400_000;
export const strategies = ["rules", "model", "combined", "recency", "rfm", "learned", "budget"] as const;
export type Strategy = (typeof strategies)[number];

export type QualityOptions = {
  customers?: number;
  days?: number;
  seed?: number;
  /** Parts of the simulated brand to fix (panel coverage, archetype mix, …); the rest is drawn from the seed. */
  brand?: Partial<Brand>;
  /** Days per pipeline step (default 7). */
  stepDays?: number;
  /** Days of history loaded before the first step (default min(60, days / 3)). */
  warmupDays?: number;
  /** Skip the CDNOW holdout evaluation (tests). */
  cdnow?: boolean;
  /** Use this database instead of a fresh one (tests); it must be migrated. */
  database?: Database;
  log?: (line: string) => void;
  /** Called after each daily pass with the state it left (to try rule packs offline on the same run). */
  onDailyPass?: (input: { deps: Deps; workspaceId: string; at: Date }) => Promise<void>;
};

export type StrategyFigures = {
  alerts: number;
  truePositives: number;
  precision: number;
  defectorsCaught: number;
  recall: number;
  medianLeadDays: number | null;
  alertsPer1000PerWeek: number;
  valueAtRiskCaught: number;
  valueAtRiskCaughtShare: number;
};

type Alert = { customerId: string; at: number };

export const MODEL_CHURN_THRESHOLD = 0.6;
export const MODEL_MIN_VALUE_AT_RISK = 100_000;
export const RECENCY_DAYS = 45;
const REALERT_DAYS = 28;

export async function runQualityBench(opts: QualityOptions = {}) {
  const customers = opts.customers ?? 50_000;
  const days = opts.days ?? 365;
  const seed = opts.seed ?? 1;
  const stepDays = opts.stepDays ?? 7;
  const warmupDays = opts.warmupDays ?? Math.min(60, Math.floor(days / 3));
  const log = opts.log ?? (() => {});
  const byMonth = monthlyCosts();
  const own = opts.database ? null : await freshDatabase("quality");
  const database = opts.database ?? own!.database;
  const deps: Deps = {
    database,
    jobs: new NoQueues(),
    config: loadConfig({ LOG_LEVEL: "silent", DATABASE_URL: database.url }),
    log: pageLogger(createLogger("warn"), (page) => byMonth.page(page)),
    // The replay pins its own clock; nothing runs before it.
    clock: () => new Date(0),
  };
  const started = performance.now();
  try {
    const t0 = performance.now();
    const sim = simulate({ customers, days, seed, brand: opts.brand });
    const simulateMs = performance.now() - t0;
    const { workspace } = await createWorkspace(database.db, { name: `quality ${seed}` });
    const workspaceId = workspace.id;
    // Small runs: let the model fit with fewer customers than the production minimum.
    if (customers < 2_000) {
      const model = { minCustomers: Math.max(10, Math.floor(customers / 4)), minRepeatCustomers: Math.max(5, Math.floor(customers / 20)) };
      await updateWorkspaceSettings(database.db, { workspaceId, patch: { model } });
    }
    await saveGroundTruth(database.sql, { workspaceId, seed, truth: sim.truth });

    const startMs = sim.start.getTime();
    const flagged: Record<Exclude<Strategy, "rules" | "combined">, Alert[]> = { model: [], recency: [], rfm: [], learned: [], budget: [] };
    const lastFlag: Record<string, Map<string, number>> = { model: new Map(), recency: new Map(), rfm: new Map(), learned: new Map(), budget: new Map() };
    // The service's pipeline over the simulated history, as production would run it (src/replay).
    byMonth.start();
    const replay = await runReplay(deps, {
      workspaceId,
      source: arraySource(sim.signals),
      from: new Date(startMs + warmupDays * DAY),
      to: new Date(startMs + days * DAY),
      stepDays,
      resolveAfterDays: REALERT_DAYS,
      // No scheduler runs beside the bench: the replay vacuums as it would.
      vacuum: true,
      // The other strategies read the state the daily pass left, as a job beside it would.
      onMoment: async (m) => {
        byMonth.moment(m.at, m.jobs.includes("modelFit"));
        if (!m.jobs.includes("rescore")) return;
        await opts.onDailyPass?.({ deps, workspaceId, at: new Date(m.at) });
        for (const [name, ids] of Object.entries(await flaggedNow(database, workspaceId, new Date(m.at)))) {
          const last = lastFlag[name]!;
          for (const id of ids) {
            if ((last.get(id) ?? -Infinity) > m.at - REALERT_DAYS * DAY) continue;
            last.set(id, m.at);
            flagged[name as keyof typeof flagged].push({ customerId: id, at: m.at });
          }
        }
      },
      progress: (p) => log(`${p.at.slice(0, 10)}: ${p.signals} signals, ${p.alerts} alerts (${p.moment}/${p.moments})`),
    });

    const ruleAlerts = (
      await database.sql<{ customer_id: string; opened_at: Date }[]>`
        select customer_id, opened_at from alerts where workspace_id = ${workspaceId} order by opened_at`
    ).map((r) => ({ customerId: r.customer_id, at: r.opened_at.getTime() }));
    const combined = combine(ruleAlerts, flagged.model);
    // Ground truth is read back from its own schema, the way any analysis would.
    const truth = await loadGroundTruth(database.sql, workspaceId);
    const weeks = (days - warmupDays) / 7;
    const figures: Record<Strategy, StrategyFigures> = {
      rules: score(ruleAlerts, truth, customers, weeks),
      model: score(flagged.model, truth, customers, weeks),
      combined: score(combined, truth, customers, weeks),
      recency: score(flagged.recency, truth, customers, weeks),
      rfm: score(flagged.rfm, truth, customers, weeks),
      learned: score(flagged.learned, truth, customers, weeks),
      budget: score(flagged.budget, truth, customers, weeks),
    };
    const byRule = (
      await database.sql<{ rule: string; n: number }[]>`
        select r->>'ruleId' as rule, count(distinct a.id)::int as n
        from alerts a, jsonb_array_elements(a.reasons) r
        where a.workspace_id = ${workspaceId} and r ? 'ruleId' group by 1 order by 2 desc`
    ).reduce<Record<string, number>>((o, r) => ((o[r.rule] = r.n), o), {});

    const byArchetype = Object.fromEntries(
      (Object.entries({ rules: ruleAlerts, ...flagged, combined }) as [Strategy, Alert[]][]).map(([s, a]) => [s, figuresByArchetype(a, truth, weeks)]),
    );
    const cdnow = opts.cdnow === false ? null : await cdnowHoldout();
    return {
      name: "quality",
      sizes: { customers, days, seed, stepDays, warmupDays, signals: sim.signals.length, moments: replay.moments, dailyPasses: replay.rescores },
      defectors: truth.filter((t) => t.defected).length,
      modelFits: replay.modelFits.fitted,
      figures,
      byArchetype,
      brand: sim.brand,
      alertsByRule: byRule,
      definitions: {
        truePositive: "alert on a leaver (any leaving archetype) opened from 14 days before onset to 30 days after they left",
        model: `churn probability ≥ ${MODEL_CHURN_THRESHOLD} and value at risk ≥ ${MODEL_MIN_VALUE_AT_RISK} KRW`,
        recency: `days since last purchase > ${RECENCY_DAYS}`,
        rfm: "spend 180d ≥ 300,000 and orders 180d ≥ 4 and days since last purchase > 30",
        rules: "the service's alerts: default rule pack plus the model's part of the score, as shipped",
        learned: `learned risk probability ≥ ${MODEL_CHURN_THRESHOLD} and value at risk ≥ ${MODEL_MIN_VALUE_AT_RISK} KRW (only while a learned version is live)`,
        budget: "learned risk probability ≥ the alert line the workspace's alert budget set (riskAlertThreshold), alone (only while a learned version is live)",
        realert: `one alert per customer per ${REALERT_DAYS} days (service alerts resolved after ${REALERT_DAYS} days)`,
      },
      cdnow,
      learnedModel: await learnedModelReport(database, workspaceId),
      // Where the replay's time goes as the history deepens (issue 17, goal 5).
      byMonth: byMonth.report({ signals: sim.signals, customers, from: startMs + warmupDays * DAY }),
      seconds: { simulate: +(simulateMs / 1000).toFixed(1), ...replay.seconds, pipeline: +(replay.seconds.total - replay.seconds.ingest).toFixed(1), total: +((performance.now() - started) / 1000).toFixed(1) },
      memory: memoryReport("API path + worker + simulator"),
      machine: await machineFacts(database),
    };
  } finally {
    await own?.drop();
  }
}

/** Customers each non-service strategy flags as of the last re-score. */
async function flaggedNow(database: Database, workspaceId: string, asOf: Date) {
  const model = await database.sql<{ customer_id: string }[]>`
    select customer_id from customer_model_scores
    where workspace_id = ${workspaceId} and churn_probability >= ${MODEL_CHURN_THRESHOLD} and coalesce(value_at_risk, 0) >= ${MODEL_MIN_VALUE_AT_RISK}`;
  const recency = await database.sql<{ customer_id: string }[]>`
    select customer_id from customer_features f where workspace_id = ${workspaceId} and ${daysSinceLastPurchaseSql(database.sql, asOf)} > ${RECENCY_DAYS}`;
  const rfm = await database.sql<{ customer_id: string }[]>`
    select customer_id from customer_features f where workspace_id = ${workspaceId}
      and spend_180d >= 300000 and orders_180d >= 4 and ${daysSinceLastPurchaseSql(database.sql, asOf)} > 30`;
  const ids = (rows: { customer_id: string }[]) => rows.map((r) => r.customer_id);
  const budget = await database.sql<{ customer_id: string }[]>`
    select customer_id from customer_model_scores where workspace_id = ${workspaceId} and risk_probability >= risk_alert_threshold`;
  return { model: ids(model), recency: ids(recency), rfm: ids(rfm), learned: await learnedModelFlagged(database, workspaceId), budget: ids(budget) };
}

/** The learned risk model alone: its probability where a version is live, with the same cut-offs as the model alone. */
async function learnedModelFlagged(database: Database, workspaceId: string) {
  const rows = await database.sql<{ customer_id: string }[]>`
    select customer_id from customer_model_scores
    where workspace_id = ${workspaceId} and risk_probability >= ${MODEL_CHURN_THRESHOLD} and coalesce(value_at_risk, 0) >= ${MODEL_MIN_VALUE_AT_RISK}`;
  return rows.map((r) => r.customer_id);
}

/** Every learned-model version of the run: out-of-time AUC with and without competitor inputs, against the purchase model. */
async function learnedModelReport(database: Database, workspaceId: string) {
  const rows = await database.sql<{ version: number; status: string; report: RiskModelReportJson | null; message: string | null }[]>`
    select version, status, report, message from risk_model_versions where workspace_id = ${workspaceId} order by version`;
  const versions = rows.map((v) => ({
    version: v.version,
    status: v.status,
    validationDate: v.report?.dates.validation ?? null,
    auc: v.report?.validation.auc ?? null,
    aucWithoutCompetitorInputs: v.report?.withoutCompetitorInputs?.auc ?? null,
    withRivalEvidence: v.report?.withRivalEvidence ?? null,
    purchaseModelAuc: v.report?.purchaseModel.auc ?? null,
    ece: v.report?.validation.ece ?? null,
    message: v.message,
  }));
  const last = versions.filter((v) => v.auc !== null).at(-1) ?? null;
  return {
    versions,
    latest: last && {
      ...last,
      competitorGain: last.aucWithoutCompetitorInputs === null ? null : +(last.auc! - last.aucWithoutCompetitorInputs).toFixed(4),
      competitorGainWithRivalEvidence: last.withRivalEvidence ? +(last.withRivalEvidence.auc - last.withRivalEvidence.aucWithoutCompetitorInputs).toFixed(4) : null,
    },
  };
}

/** Either strategy alerting, one alert per customer per re-alert window. */
export function combine(a: readonly Alert[], b: readonly Alert[]): Alert[] {
  const all = [...a, ...b].sort((x, y) => x.at - y.at);
  const last = new Map<string, number>();
  const out: Alert[] = [];
  for (const x of all) {
    if ((last.get(x.customerId) ?? -Infinity) > x.at - REALERT_DAYS * DAY) continue;
    last.set(x.customerId, x.at);
    out.push(x);
  }
  return out;
}

export function score(alerts: readonly Alert[], truth: readonly GroundTruth[], customers: number, weeks: number): StrategyFigures {
  const byId = new Map(truth.map((t) => [t.customerId, t]));
  const defectors = truth.filter((t) => t.defected);
  const firstCatch = new Map<string, number>();
  let tp = 0;
  for (const a of alerts) {
    if (!isTruePositive(a, byId.get(a.customerId))) continue;
    tp++;
    if (!firstCatch.has(a.customerId) || firstCatch.get(a.customerId)! > a.at) firstCatch.set(a.customerId, a.at);
  }
  const leads = [...firstCatch].map(([id, at]) => (Date.parse(byId.get(id)!.defectionAt!) - at) / DAY).sort((x, y) => x - y);
  const totalValue = defectors.reduce((s, t) => s + t.annualValue, 0);
  const caughtValue = [...firstCatch.keys()].reduce((s, id) => s + byId.get(id)!.annualValue, 0);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    alerts: alerts.length,
    truePositives: tp,
    precision: alerts.length === 0 ? 0 : r3(tp / alerts.length),
    defectorsCaught: firstCatch.size,
    recall: defectors.length === 0 ? 0 : r3(firstCatch.size / defectors.length),
    medianLeadDays: leads.length === 0 ? null : Math.round(median(leads) * 10) / 10,
    alertsPer1000PerWeek: weeks > 0 ? r3(alerts.length / (customers / 1000) / weeks) : 0,
    valueAtRiskCaught: Math.round(caughtValue),
    valueAtRiskCaughtShare: totalValue === 0 ? 0 : r3(caughtValue / totalValue),
  };
}

function median(sorted: number[]) {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** FHL 2005's CDNOW protocol: calibration to 1997-09-30, holdout to 1998-06-30. */
export async function cdnowHoldout() {
  const transactions = await loadTransactions(cdnowFile("CDNOW_master.txt"), "cdnow-master");
  const e = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" });
  const r = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    customers: e.customers,
    bgnbd: { r: r(e.bgnbd.params.r), alpha: r(e.bgnbd.params.alpha), a: r(e.bgnbd.params.a), b: r(e.bgnbd.params.b), logLikelihood: r(e.bgnbd.logLikelihood, 1) },
    holdoutRepeatPurchases: { predicted: Math.round(e.holdout.predictedRepeatPurchases), actual: e.holdout.actualRepeatPurchases },
    meanAbsoluteError: r(e.holdout.meanAbsoluteError),
    churnAuc: r(e.churn.auc),
    recencyBaselineAuc: r(e.churn.recencyBaselineAuc),
  };
}

/** The per-archetype table printed by `npm run bench -- quality`. */
export function qualityArchetypeTable(result: Awaited<ReturnType<typeof runQualityBench>>) {
  return archetypeTable(result.byArchetype);
}

/** The table printed by `npm run bench -- quality`. */
export function qualityTable(result: Awaited<ReturnType<typeof runQualityBench>>) {
  return Object.fromEntries(
    strategies.map((s) => {
      const f = result.figures[s];
      return [s, { alerts: f.alerts, precision: f.precision, recall: f.recall, "median lead (d)": f.medianLeadDays, "alerts/1k/wk": f.alertsPer1000PerWeek, "VaR caught (KRW)": f.valueAtRiskCaught, "VaR share": f.valueAtRiskCaughtShare }];
    }),
  );
}

type RefreshPage = { customers: number; featuresMs: number; tiersMs: number; modelMs: number; scoresMs: number };

/** The logger with each streaming refresh page's phase times ("refresh page", debug) handed to `onPage`. */
function pageLogger(base: Logger, onPage: (page: RefreshPage) => void): Logger {
  return { ...base, debug: (msg, fields) => (msg === "refresh page" ? onPage(fields as RefreshPage) : base.debug(msg, fields)) };
}

/**
 * Per month of the replayed history: customers refreshed as signals arrived and the time per
 * customer in each phase of a refresh page, and the wall time of the moments with a model fit
 * and of the others (the moment's own work: ingest, refresh, jobs, the bench's strategies).
 * Pages are counted in the month of the moment being worked on (the history's in the first).
 */
function monthlyCosts() {
  type Month = { customers: number; featuresMs: number; tiersMs: number; modelMs: number; scoresMs: number; momentsWithFit: number; fitMomentsMs: number; otherMomentsMs: number };
  const months = new Map<string, Month>();
  let current = "history";
  let last = 0;
  const month = (key: string) => {
    let m = months.get(key);
    if (!m) months.set(key, (m = { customers: 0, featuresMs: 0, tiersMs: 0, modelMs: 0, scoresMs: 0, momentsWithFit: 0, fitMomentsMs: 0, otherMomentsMs: 0 }));
    return m;
  };
  return {
    start: () => void (last = performance.now()),
    page(p: RefreshPage) {
      const m = month(current);
      m.customers += p.customers;
      m.featuresMs += p.featuresMs;
      m.tiersMs += p.tiersMs;
      m.modelMs += p.modelMs;
      m.scoresMs += p.scoresMs;
    },
    /** A moment's work ended (`at` its clock); the next pages belong to the month it starts. */
    moment(at: number, withFit: boolean) {
      const now = performance.now();
      const m = month(current);
      if (withFit) (m.momentsWithFit++, (m.fitMomentsMs += now - last));
      else m.otherMomentsMs += now - last;
      last = now;
      current = new Date(at).toISOString().slice(0, 7);
    },
    /** Beside each month, the history's depth at its end (at the replay's start for the history's row). */
    report(history: { signals: readonly SignalInput[]; customers: number; from: number }) {
      const at = history.signals.map((s) => Date.parse(s.occurredAt));
      const upTo = (end: number, purchases: boolean) => history.signals.reduce((n, s, i) => n + (at[i]! < end && (!purchases || s.type === "purchase") ? 1 : 0), 0);
      return [...months].map(([key, m]) => {
        const per = (ms: number) => (m.customers > 0 ? +(ms / m.customers).toFixed(3) : null);
        const end = key === "history" ? history.from : Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)), 1);
        return {
          month: key,
          perCustomerAtEnd: { signals: +(upTo(end, false) / history.customers).toFixed(1), purchases: +(upTo(end, true) / history.customers).toFixed(1) },
          customersRefreshed: m.customers,
          refreshMsPerCustomer: { features: per(m.featuresMs), tiers: per(m.tiersMs), model: per(m.modelMs), scores: per(m.scoresMs) },
          momentsWithFit: m.momentsWithFit,
          secondsInMomentsWithFit: +(m.fitMomentsMs / 1000).toFixed(1),
          secondsInOtherMoments: +(m.otherMomentsMs / 1000).toFixed(1),
        };
      });
    },
  };
}
