// A fitted model as the alert decision, studied offline on the quality bench's replays.
//
//   npx tsx bench/quality-learned.ts <seed> [<seed> …] [--size 2000] [--days 180]
//
// Each seed's replay is captured once (bench/quality-capture.ts: every customer's facts after
// every daily pass; heavy, run it through the lock) and reused from its cache file.
//
// What it does, day by day over the replay, as a workspace would do it with its own data only:
// - the population is the customers still buying (`stillBuying`: a repeat buyer with a usual
//   order rate, silent for at most twice their usual longest gap), the pack's line;
// - every 7 days a logistic model (src/model/risk/logistic.ts, L2, standardised inputs) is fitted
//   on the as-of dates whose outcome is already known (at least `horizon` days old, one date a
//   week), each row a still-buying customer's inputs on that date (`inputsOf`) and an observable
//   outcome of the next `horizon` days (`outcomeOf`): no purchase at all ("none"), or a window
//   thinner than their own usual rate explains at 1 in 10 ("thin": P(X ≤ k) ≤ 0.1, X negative
//   binomial with the customer's usual count over the days they have been known);
// - each day the latest fit scores the still-buying customers; the alert line is set without
//   labels, from the fit's own scores of the last 28 days: the highest line at which the customers
//   above it on some day of those 28 days stay within the alert budget (5 per 1,000 customers a
//   week, the product's default `riskModel.alertBudgetPer1kPerWeek`), or a fixed probability;
// - one alert per customer per 28 days, scored as the bench scores every strategy.
// No figure is chosen per seed: the horizon, outcome, inputs and line are chosen on seeds 1–3
// and then run once on the held-out seeds.
import { fitLogistic, fitStandardizer, matrixFromRows, predictProbabilities, standardize, type Standardizer, type LogisticModel } from "../src/model/risk/logistic.ts";
import { rocAuc } from "../src/model/risk/metrics.ts";
import { combine, score } from "./quality.ts";
import { figuresByArchetype, isTruePositive, type Alert } from "./quality-report.ts";
import { CAPTURED_FACTS, captureRun, loadCapture, saveCapture, type Capture, type CapturedFact } from "./quality-capture.ts";
import type { GroundTruth } from "../src/simulator/index.ts";

const DAY = 86_400_000;
const REALERT_DAYS = 28;
const F = CAPTURED_FACTS.length;
const col = Object.fromEntries(CAPTURED_FACTS.map((f, j) => [f, j])) as Record<CapturedFact, number>;

type Read = (fact: CapturedFact) => number;
const reader = (c: Capture, day: number, i: number): Read => {
  const v = c.values[day]!;
  return (fact) => v[i * F + col[fact]]!;
};
const or = (v: number, dflt: number) => (Number.isFinite(v) ? v : dflt);
const lnChance = (p: number) => Math.log(Math.max(1e-6, or(p, 1)));
const ln1p = (v: number) => Math.log1p(Math.max(0, or(v, 0)));

/** Still buying: a repeat buyer with a usual order rate, silent for at most twice their usual longest gap. */
export function stillBuying(r: Read): boolean {
  return r("ordersTotal") >= 2 && r("orders30dUsual") > 0 && !(r("gapSilenceRatio") > 2);
}

export type InputSet = "all" | "own" | "own+rivals" | "all+change" | "all+recent";
/** The model's inputs: own buying against the customer's own usual, silence, rivals, support, engagement. */
export function inputsOf(r: Read, set: InputSet = "all", ago?: (days: number) => Read | undefined): number[] {
  const usualSpend = r("spend30dUsual");
  const own = [
    lnChance(r("orders30dShortfallChance")),
    lnChance(r("sessions30dShortfallChance")),
    lnChance(r("silenceChance")),
    Math.min(5, or(r("gapSilenceRatio"), 0)),
    ln1p(r("orders30dUsual")),
    ln1p(r("orders30d")),
    Math.min(3, usualSpend > 0 ? or(r("spend30d"), 0) / usualSpend : 1),
    ln1p(r("sessions7d")),
    ln1p(r("baselineDaysKnown")),
  ];
  if (set === "own") return own;
  const apps = or(r("competitorApps30d"), 0);
  const rivals = [
    ln1p(apps),
    Math.max(0, apps - or(r("competitorApps30dBaseline"), 0)),
    ln1p(r("competitorSpend30d")),
    Math.min(5, usualSpend > 0 ? or(r("competitorSpend30d"), 0) / usualSpend : 0),
    ln1p(r("competitorSpend30dUsual")),
    or(r("competitorShareOfWalletShift30d"), 0),
    ln1p(r("competitorMinutes30d")),
  ];
  if (set === "own+rivals") return [...own, ...rivals];
  const rest = [
    ...own,
    ...rivals,
    ln1p(r("supportTickets30d")),
    ln1p(r("negativeTickets30d")),
    ln1p(r("highSeverityTickets30d")),
    ln1p(r("campaignClicks30d")),
    or(r("unsubscribed"), 0),
  ];
  if (set === "all") return [...own, ...rivals, ...rest];
  // The same customer 14 days before (NaN when unknown): how the evidence moved, and own decline with rivals rising together.
  const p = ago?.(14) ?? (() => NaN);
  const change = (f: (r: Read) => number) => (Number.isFinite(f(p)) ? f(r) - f(p) : 0);
  const withChange = [
    ...own,
    ...rivals,
    ...rest,
    change((x) => lnChance(x("orders30dShortfallChance"))),
    change((x) => lnChance(x("sessions30dShortfallChance"))),
    change((x) => ln1p(x("competitorApps30d"))),
    change((x) => ln1p(x("competitorSpend30d"))),
    change((x) => ln1p(x("sessions30d"))),
    rivals[1]! * own[0]!,
    rivals[3]! * own[0]!,
  ];
  if (set === "all+change") return withChange;
  // The last 7 and 14 days against the customer's usual rate: a slide shows in them before it shows in 30 days.
  const t = r("baselineDaysKnown");
  const recent = (days: number) => {
    const then = ago?.(days);
    const usual = (r("orders30dUsual") * t) / 30;
    if (!then || !(t >= 30) || !(usual > 0)) return 0;
    const k = or(r("ordersTotal"), 0) - or(then("ordersTotal"), 0);
    return lnChance(thinChance(Math.max(0, k), usual, t, days));
  };
  const sessionsUsual = (r("sessions30dUsual") * t) / 30;
  return [
    ...withChange,
    recent(7),
    recent(14),
    t >= 30 && sessionsUsual > 0 ? lnChance(thinChance(or(r("sessions7d"), 0), sessionsUsual, t, 7)) : 0,
  ];
}

/** P(X ≤ k), X negative binomial (n, t / (t + h)): a window of h days this thin at a usual count n over t days. */
export function thinChance(k: number, n: number, t: number, h: number): number {
  const q = h / (t + h);
  let sum = 0;
  let term = Math.pow(t / (t + h), n);
  for (let i = 0; i <= k; i++) {
    sum += term;
    term *= ((n + i) / (i + 1)) * q;
  }
  return Math.min(1, sum);
}

/**
 * "none" and "thin" are observable by the workspace; "oracle" is a diagnostic only, never a strategy: the simulator's ground
 * truth that the date lies between 14 days before a leaver's onset and 21 days before they left (an alert then is both
 * right and early), to bound what these inputs could give with perfect labels. "verdict" stands for managers' verdicts
 * on the pack's alerts ("was leaving" or not), known `horizon` days after each alert: rows only where the pack alerted,
 * the label the simulator's (what a manager who followed up would say).
 */
export type Outcome = "none" | "thin" | "oracle" | "verdict";
/** The observable outcome of the `h` days after day `a` (known on day `b` = a + h): 1 if it happened. */
export function outcomeOf(c: Capture, a: number, b: number, i: number, outcome: Outcome, h: number, thin = 0.1): number {
  const now = reader(c, a, i);
  const later = reader(c, b, i);
  if (outcome === "oracle") {
    const t = c.truth[i]!;
    if (!t.defected) return 0;
    return c.at[a]! >= Date.parse(t.onsetAt!) - 14 * DAY && c.at[a]! <= Date.parse(t.defectionAt!) - 21 * DAY ? 1 : 0;
  }
  if (outcome === "none") return or(later("lastPurchaseAt"), -Infinity) <= c.at[a]! ? 1 : 0;
  const k = or(later("ordersTotal"), 0) - or(now("ordersTotal"), 0);
  const t = now("baselineDaysKnown");
  const n = (now("orders30dUsual") * t) / 30;
  return thinChance(k, n, t, h) <= thin ? 1 : 0;
}

export type StudyOptions = {
  horizon: number;
  outcome: Outcome;
  inputs: InputSet;
  /** Alerts per 1,000 customers a week the line allows (label-free, from the fit's own last 28 days); or a fixed probability. */
  line: { budgetPer1kPerWeek: number } | { probability: number };
  /** Rank by P × value at risk instead of P. */
  byValue?: boolean;
  l2?: number;
  /** "thin": a window at most this likely at the customer's usual rate (default 0.1). */
  thin?: number;
};

/**
 * The alert line for a budget, from each customer's highest score over the last 28 days (−1: not scored): the lowest
 * line above which at most budget × customers / 1000 × 4 customers were, so that many would have alerted in 28 days.
 * When more than that share the highest score (a calibrated step function ties many), the line is the highest score,
 * as the product's alert budget does; with no score, no line.
 */
export function budgetLine(peak: ArrayLike<number>, budgetPer1kPerWeek: number, customers: number): number {
  const allowed = Math.floor((budgetPer1kPerWeek * customers * 4) / 1000);
  const sorted = Array.from(peak).filter((v) => v >= 0).sort((a, b) => b - a);
  if (sorted.length === 0) return Infinity;
  if (sorted.length <= allowed) return 1e-12;
  const line = sorted[allowed]! + 1e-12;
  return line > sorted[0]! ? sorted[0]! : line;
}

type Fit = {
  day: number;
  model: LogisticModel;
  std: Standardizer;
  line: number;
  rows: number;
  positives: number;
  trainDates: number;
  /** Diagnostic (ground truth): positive outcomes by the customer's archetype. */
  positivesByArchetype: Record<string, number>;
};

/** Runs one strategy over a capture: fits every 7 days, alerts daily. */
export function runStudy(c: Capture, o: StudyOptions) {
  const n = c.customerIds.length;
  const dayOf = new Map(c.at.map((t, d) => [t, d]));
  const eligible = c.values.map((_, d) => Array.from({ length: n }, (_, i) => stillBuying(reader(c, d, i))));
  const X = c.values.map((_, d) => Array.from({ length: n }, (_, i) => (eligible[d]![i] ? inputsOf(reader(c, d, i), o.inputs, (days) => (d >= days ? reader(c, d - days, i) : undefined)) : null)));
  const inputsAt = (d: number, i: number) => X[d]![i] ?? inputsOf(reader(c, d, i), o.inputs, (days) => (d >= days ? reader(c, d - days, i) : undefined));
  // The pack's alerts, each at the last daily pass before it, with the verdict a follow-up would give.
  const index = new Map(c.customerIds.map((id, i) => [id, i]));
  const verdicts =
    o.outcome !== "verdict"
      ? []
      : c.serviceAlerts.flatMap((a) => {
          const day = c.at.findLastIndex((t) => t <= a.at);
          const i = index.get(a.customerId);
          return day < 0 || i === undefined ? [] : [{ day, i, label: isTruePositive(a, c.truth[i]) ? 1 : 0 }];
        });
  const fits: Fit[] = [];
  const fitOn: (Fit | null)[] = c.values.map(() => null);
  const scores: (Float64Array | null)[] = c.values.map(() => null);
  const alerts: Alert[] = [];
  const last = new Map<number, number>();
  let fit: Fit | null = null;
  const scoreDay = (f: Fit, d: number) => {
    const rows = X[d]!.map((x, i) => [x, i] as const).filter(([x]) => x !== null) as [number[], number][];
    const out = new Float64Array(n).fill(-1);
    if (rows.length === 0) return out;
    const p = predictProbabilities(f.model, standardize(matrixFromRows(rows.map(([x]) => x)), f.std));
    rows.forEach(([, i], k) => (out[i] = o.byValue ? p[k]! * Math.max(0, or(reader(c, d, i)("valueAtRisk"), 0)) : p[k]!));
    return out;
  };
  for (let d = 0; d < c.at.length; d++) {
    if (d % 7 === 0) {
      // Dates whose outcome is known today, one a week, newest first.
      const rows: number[][] = [];
      const y: number[] = [];
      const positivesByArchetype: Record<string, number> = {};
      let dates = 0;
      if (o.outcome === "verdict") {
        for (const v of verdicts) {
          if (c.at[v.day]! + o.horizon * DAY > c.at[d]!) continue;
          dates++;
          rows.push(inputsAt(v.day, v.i));
          y.push(v.label);
          if (v.label) positivesByArchetype[c.truth[v.i]!.archetype] = (positivesByArchetype[c.truth[v.i]!.archetype] ?? 0) + 1;
        }
      }
      for (let a = d - o.horizon; o.outcome !== "verdict" && a >= 0; a -= 7) {
        const b = dayOf.get(c.at[a]! + o.horizon * DAY);
        if (b === undefined || b > d) continue;
        dates++;
        for (let i = 0; i < n; i++) {
          const x = X[a]![i];
          if (!x) continue;
          rows.push(x);
          y.push(outcomeOf(c, a, b, i, o.outcome, o.horizon, o.thin));
          if (y.at(-1)) positivesByArchetype[c.truth[i]!.archetype] = (positivesByArchetype[c.truth[i]!.archetype] ?? 0) + 1;
        }
      }
      const positives = y.reduce((s, v) => s + v, 0);
      if (dates >= 2 && positives >= 10 && rows.length - positives >= 10) {
        const M = matrixFromRows(rows);
        const std = fitStandardizer(M);
        const model = fitLogistic(standardize(M, std), y, { l2: o.l2 ?? 1e-3 });
        const f: Fit = { day: d, model, std, line: Infinity, rows: rows.length, positives, trainDates: dates, positivesByArchetype };
        // The line, from this fit's own scores of the last 28 days (no outcome needed).
        if ("probability" in o.line) f.line = o.line.probability;
        else {
          const peak = new Float64Array(n).fill(-1);
          for (let e = Math.max(0, d - 27); e <= d; e++) {
            const s = scoreDay(f, e);
            for (let i = 0; i < n; i++) if (s[i]! > peak[i]!) peak[i] = s[i]!;
          }
          f.line = budgetLine(peak, o.line.budgetPer1kPerWeek, n);
        }
        fit = f;
        fits.push(f);
      }
    }
    fitOn[d] = fit;
    if (!fit) continue;
    const s = scoreDay(fit, d);
    scores[d] = s;
    for (let i = 0; i < n; i++) {
      if (!(s[i]! >= fit.line)) continue;
      if ((last.get(i) ?? -Infinity) > c.at[d]! - REALERT_DAYS * DAY) continue;
      last.set(i, c.at[d]!);
      alerts.push({ customerId: c.customerIds[i]!, at: c.at[d]! });
    }
  }
  /** The probability the fit live on a day gives a customer (still buying or not); null before the first fit. */
  const probabilityAt = (d: number, i: number) => {
    const f = fitOn[d];
    return f ? predictProbabilities(f.model, standardize(matrixFromRows([inputsAt(d, i)]), f.std))[0]! : null;
  };
  return { alerts, fits, scores, firstLiveAt: fits[0] ? c.at[fits[0].day]! : null, probabilityAt };
}

/** A fact of the service's (e.g. the learned risk model's riskProbability) as the score, with the study's label-free budget line. */
export function factStrategy(c: Capture, fact: CapturedFact, budgetPer1kPerWeek: number) {
  const n = c.customerIds.length;
  const alerts: Alert[] = [];
  const last = new Map<number, number>();
  const s = c.values.map((_, d) => Float64Array.from({ length: n }, (_, i) => (stillBuying(reader(c, d, i)) ? or(reader(c, d, i)(fact), -1) : -1)));
  let line = Infinity;
  for (let d = 0; d < c.at.length; d++) {
    if (d % 7 === 0) {
      const peak = new Float64Array(n).fill(-1);
      for (let e = Math.max(0, d - 27); e <= d; e++) for (let i = 0; i < n; i++) if (s[e]![i]! > peak[i]!) peak[i] = s[e]![i]!;
      line = budgetLine(peak, budgetPer1kPerWeek, n);
    }
    for (let i = 0; i < n; i++) {
      if (!(s[d]![i]! >= line)) continue;
      if ((last.get(i) ?? -Infinity) > c.at[d]! - REALERT_DAYS * DAY) continue;
      last.set(i, c.at[d]!);
      alerts.push({ customerId: c.customerIds[i]!, at: c.at[d]! });
    }
  }
  return alerts;
}

/** Figures from `from` on: alerts opened since, leavers who could still be caught since (defection + 30 days ≥ from). */
export function scoreFrom(alerts: readonly Alert[], truth: readonly GroundTruth[], from: number, to: number) {
  const kept = truth.filter((t) => !t.defected || Date.parse(t.defectionAt!) + 30 * DAY >= from);
  return score(
    alerts.filter((a) => a.at >= from),
    kept,
    truth.length,
    (to - from) / (7 * DAY),
  );
}

/** Out-of-time AUC of each fit's scores against what the simulator knows: a leaver inside their true-positive window. */
export function rankingAuc(c: Capture, scores: (Float64Array | null)[]) {
  const byId = c.truth;
  const p: number[] = [];
  const y: number[] = [];
  for (let d = 0; d < c.at.length; d += 7) {
    const s = scores[d];
    if (!s) continue;
    for (let i = 0; i < byId.length; i++) {
      if (s[i]! < 0) continue;
      const t = byId[i]!;
      const inWindow = t.defected && c.at[d]! >= Date.parse(t.onsetAt!) - 14 * DAY && c.at[d]! <= Date.parse(t.defectionAt!);
      p.push(s[i]!);
      y.push(inWindow ? 1 : 0);
    }
  }
  return y.some((v) => v) ? +rocAuc(p, y).toFixed(4) : null;
}

const figuresRow = (f: ReturnType<typeof score>) => ({ alerts: f.alerts, precision: f.precision, recall: f.recall, "median lead (d)": f.medianLeadDays === null ? null : +f.medianLeadDays.toFixed(1), "alerts/1k/wk": +f.alertsPer1000PerWeek.toFixed(2), "VaR share": f.valueAtRiskCaughtShare });

export const studyVariants: Record<string, StudyOptions> = {
  "thin 30d, all inputs, budget 5": { horizon: 30, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 5 } },
  "thin 30d, own only, budget 5": { horizon: 30, outcome: "thin", inputs: "own", line: { budgetPer1kPerWeek: 5 } },
  "thin 30d, all, P ≥ 0.5": { horizon: 30, outcome: "thin", inputs: "all", line: { probability: 0.5 } },
  "none 30d, all inputs, budget 5": { horizon: 30, outcome: "none", inputs: "all", line: { budgetPer1kPerWeek: 5 } },
  "thin 45d, all inputs, budget 5": { horizon: 45, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 5 } },
  "thin 21d, all inputs, budget 5": { horizon: 21, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 5 } },
  "thin 30d, all, P×VaR budget 5": { horizon: 30, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 5 }, byValue: true },
  "thin 30d, all+change, budget 5": { horizon: 30, outcome: "thin", inputs: "all+change", line: { budgetPer1kPerWeek: 5 } },
  "thin 45d, all+change, budget 5": { horizon: 45, outcome: "thin", inputs: "all+change", line: { budgetPer1kPerWeek: 5 } },
  "thin 1-in-5 30d, all, budget 5": { horizon: 30, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 5 }, thin: 0.2 },
  "thin 30d, all, l2 0.01, budget 5": { horizon: 30, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 5 }, l2: 0.01 },
  "thin 30d, all, budget 2.5": { horizon: 30, outcome: "thin", inputs: "all", line: { budgetPer1kPerWeek: 2.5 } },
  "thin 30d, all+change, budget 2.5": { horizon: 30, outcome: "thin", inputs: "all+change", line: { budgetPer1kPerWeek: 2.5 } },
  "thin 45d, all+change, budget 2.5": { horizon: 45, outcome: "thin", inputs: "all+change", line: { budgetPer1kPerWeek: 2.5 } },
  "thin 30d, all+change, budget 7.5": { horizon: 30, outcome: "thin", inputs: "all+change", line: { budgetPer1kPerWeek: 7.5 } },
  "thin 30d, all+recent, budget 5": { horizon: 30, outcome: "thin", inputs: "all+recent", line: { budgetPer1kPerWeek: 5 } },
  "thin 45d, all+recent, budget 5": { horizon: 45, outcome: "thin", inputs: "all+recent", line: { budgetPer1kPerWeek: 5 } },
  "verdicts on the pack's alerts after 30d, all+change, budget 5": { horizon: 30, outcome: "verdict", inputs: "all+change", line: { budgetPer1kPerWeek: 5 } },
  "ORACLE labels (diagnostic), all+recent, budget 5": { horizon: 30, outcome: "oracle", inputs: "all+recent", line: { budgetPer1kPerWeek: 5 } },
  "ORACLE labels (diagnostic), all+change, budget 5": { horizon: 30, outcome: "oracle", inputs: "all+change", line: { budgetPer1kPerWeek: 5 } },
};

export function studyCapture(c: Capture, variants: Record<string, StudyOptions> = studyVariants) {
  const start = c.at[0]!;
  const end = c.at.at(-1)! + DAY;
  const weeks = (end - start) / (7 * DAY);
  const rows: Record<string, ReturnType<typeof figuresRow>> = {};
  const live: Record<string, ReturnType<typeof figuresRow> & { from: string }> = {};
  const byArchetype: Record<string, ReturnType<typeof figuresByArchetype>> = {};
  const extra: Record<string, unknown> = {};
  /** The pack's figures from the same day each variant's first fit went live. */
  const packFrom: Record<string, ReturnType<typeof figuresRow>> = {};
  const add = (name: string, alerts: readonly Alert[], from: number | null) => {
    rows[name] = figuresRow(score(alerts, c.truth, c.customerIds.length, weeks));
    byArchetype[name] = figuresByArchetype(alerts, c.truth, weeks);
    if (from !== null) live[name] = { from: new Date(from).toISOString().slice(0, 10), ...figuresRow(scoreFrom(alerts, c.truth, from, end)) };
  };
  const studies = Object.entries(variants).map(([name, o]) => [name, o, runStudy(c, o)] as const);
  const from = Math.min(...studies.map(([, , s]) => s.firstLiveAt ?? Infinity));
  add("pack (service alerts)", c.serviceAlerts, Number.isFinite(from) ? from : null);
  add("service learned risk (still buying, budget 5)", factStrategy(c, "riskProbability", 5), Number.isFinite(from) ? from : null);
  add("service churn probability (still buying, budget 5)", factStrategy(c, "churnProbability", 5), Number.isFinite(from) ? from : null);
  for (const [name, , s] of studies) {
    add(name, s.alerts, s.firstLiveAt);
    if (s.firstLiveAt !== null) packFrom[name] = figuresRow(scoreFrom(c.serviceAlerts, c.truth, s.firstLiveAt, end));
    add(`pack or ${name}`, combine(c.serviceAlerts, s.alerts), null);
    if (variants[name]!.outcome === "verdict") {
      // The pack's alerts kept only where the verdict model, once fitted, gives at least an even chance.
      const index = new Map(c.customerIds.map((id, i) => [id, i]));
      const kept = c.serviceAlerts.filter((a) => {
        const p = s.probabilityAt(c.at.findLastIndex((t) => t <= a.at), index.get(a.customerId)!);
        return p === null || p >= 0.5;
      });
      add(`pack filtered by ${name} (P ≥ 0.5)`, kept, s.firstLiveAt);
    }
    extra[name] = {
      firstLive: s.firstLiveAt && new Date(s.firstLiveAt).toISOString().slice(0, 10),
      rankingAuc: rankingAuc(c, s.scores),
      fits: s.fits.map((f) => ({ day: f.day, rows: f.rows, positives: f.positives, dates: f.trainDates, line: +f.line.toPrecision(3) })),
      lastFitPositivesByArchetype: s.fits.at(-1)?.positivesByArchetype,
      lastFitCoefficients: s.fits.at(-1) && Object.fromEntries(s.fits.at(-1)!.model.coefficients.map((w, j) => [j, +w.toFixed(3)])),
    };
  }
  return { seed: c.seed, customers: c.customerIds.length, days: c.days, figures: rows, fromFirstFit: live, packFromFirstFit: packFrom, byArchetype, fits: extra };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : dflt;
  };
  const customers = opt("size", 2000);
  const days = opt("days", 180);
  const summary = args.includes("--summary") ? (args.splice(args.indexOf("--summary"), 1), true) : false;
  const seeds = args.map(Number);
  const { writeFileSync } = await import("node:fs");
  for (const seed of seeds) {
    let c = loadCapture(seed, customers, days);
    if (!c) {
      c = await captureRun(seed, customers, days);
      saveCapture(c);
    }
    const r = studyCapture(c);
    writeFileSync(`bench/results/quality-learned-${seed}.json`, JSON.stringify(r, null, 1));
    if (summary) {
      // One line a strategy: alerts, precision, recall, median lead, alerts per 1,000 a week (whole run | from the first fit on).
      for (const [name, f] of Object.entries(r.figures)) {
        const l = r.fromFirstFit[name];
        const fmt = (x: { alerts: number; precision: number; recall: number; "median lead (d)": number | null; "alerts/1k/wk": number }) =>
          `${x.alerts}, ${x.precision}, ${x.recall}, ${x["median lead (d)"]}, ${x["alerts/1k/wk"]}`;
        const p = r.packFromFirstFit[name];
        console.log(`seed ${seed} | ${name} | ${fmt(f)} |${l ? ` ${l.from}: ${fmt(l)}` : ""}${p ? ` | pack then: ${fmt(p)}` : ""}`);
      }
      continue;
    }
    console.log(`\nseed ${seed}, ${customers} customers × ${days} days, ${c.truth.filter((t) => t.defected).length} leavers`);
    console.table(r.figures);
    console.log(`from the first fit on (leavers who could still be caught then):`);
    console.table(r.fromFirstFit);
    for (const [name, f] of Object.entries(r.fits)) console.log(name, JSON.stringify(f));
    const names = Object.keys(r.byArchetype);
    console.table(
      Object.fromEntries(
        Object.keys(r.byArchetype[names[0]!]!).map((a) => [
          a,
          Object.fromEntries(names.filter((s) => !s.startsWith("pack or")).map((s, k) => [`${k}`, `${r.byArchetype[s]![a as keyof (typeof r.byArchetype)[string]].falseAlerts}${r.byArchetype[s]![a as keyof (typeof r.byArchetype)[string]].recall === null ? "" : ` r${r.byArchetype[s]![a as keyof (typeof r.byArchetype)[string]].recall}`}`])),
        ]),
      ),
    );
    console.log(names.filter((s) => !s.startsWith("pack or")).map((s, k) => `${k}: ${s}`).join("\n"));
  }
  process.exit(0);
}
