// The features as a plain reference: one customer's stored signals, filtered per window and
// aggregated, one feature at a time. Written to be read against db/queries/features.ts, not
// to be fast: the property in reference.test.ts holds the two in agreement.
//
// Conventions the SQL follows, spelled out here once:
// - "As of asOf": a signal dated after asOf counts for nothing yet; only its arrival is noted
//   (next_change_at), and its received_at still moves the watermark.
// - A window of N days holds an own signal whose age (asOf − occurred_at) is at most N × 24 h,
//   ends included; the baselines hold ages in (30 days, 210 days].
// - External evidence (competitor app usage and purchases) covers a period, and is in a
//   window of N days when the period's end (p_end: period_end, else occurred_at) is after
//   asOf − N days. It counts at all only from a trusted provider, when confident enough, and
//   while fresh: p_end after asOf − the provider's freshness.
// - Days are UTC calendar days (date_trunc('day') with the session in UTC).
import type { SignalRow } from "../../db/signal-row.ts";
import type { WorkspaceSettings } from "../../db/schema.ts";
import { DEFAULT_GAP_SPREAD, GAP_SHRINKAGE, MIN_PRIOR_CUSTOMERS, PRIOR_MIN_GAPS, USUAL_GAP_PERCENTILE } from "../../db/queries/features.ts";

/** A row of `signals` as `select *` returns it. */
export type StoredSignal = SignalRow & { competitor: string | null };

export type ReferenceSettings = Pick<WorkspaceSettings, "trustedProviders" | "freshnessDays" | "minConfidence">;

/** A feature row keyed as featuresSelect's columns. */
export type ReferenceRow = Record<string, Date | number | string | boolean | string[] | Date[] | null>;

export const DAY_MS = 86_400_000;
const EXTERNAL = new Set(["competitor_app_usage", "competitor_purchase"]);

/**
 * The windows (days) a signal of each type leaves: from when it happened, or from its period's
 * end; and whether it goes stale. Written out again on purpose, not imported from the SQL's
 * `windowsOf`: read off the aggregates in referenceFeatures, so a window missing there shows as a wrong
 * next_change_at.
 */
const EDGES: Record<string, { occurred: number[]; periodEnd: number[]; fresh: boolean }> = {
  purchase: { occurred: [7, 30, 90, 180, 210], periodEnd: [], fresh: false },
  refund: { occurred: [90], periodEnd: [], fresh: false },
  session: { occurred: [7, 30, 210], periodEnd: [], fresh: false },
  support_ticket: { occurred: [30], periodEnd: [], fresh: false },
  campaign_response: { occurred: [30], periodEnd: [], fresh: false },
  competitor_purchase: { occurred: [30, 90, 210], periodEnd: [30], fresh: true },
  competitor_app_usage: { occurred: [], periodEnd: [30, 90, 210], fresh: true },
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const distinct = <T>(xs: T[]) => [...new Set(xs)];
const minOf = (xs: number[]) => (xs.length === 0 ? null : Math.min(...xs));
const maxOf = (xs: number[]) => (xs.length === 0 ? null : Math.max(...xs));
const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));
/** x / y, null when y is 0 (SQL's nullif). */
const ratio = (x: number, y: number) => (y === 0 ? null : x / y);

/** Days of freshness for a provider's evidence: its own setting, else the default. */
export function freshnessDaysOf(settings: ReferenceSettings, source: string | null) {
  const own = source !== null && Object.hasOwn(settings.freshnessDays, source) ? settings.freshnessDays[source] : undefined;
  return own ?? settings.freshnessDays.default;
}

/**
 * One customer's features as of `asOf`, all but the usual longest gap's shrinkage, which
 * needs the workspace's spread (`usualMaxGapDays`, with `workspaceGapSpread`).
 */
export function referenceFeatures(signals: readonly StoredSignal[], asOf: Date, settings: ReferenceSettings, spread: number): ReferenceRow {
  const now = asOf.getTime();
  const t = (s: StoredSignal) => s.occurred_at.getTime();
  const age = (s: StoredSignal) => now - t(s);
  const day = (s: StoredSignal) => Math.floor(t(s) / DAY_MS) * DAY_MS;
  const pEnd = (s: StoredSignal) => (s.period_end ?? s.occurred_at).getTime();
  const within = (days: number) => (s: StoredSignal) => age(s) <= days * DAY_MS;
  const inBaseline = (s: StoredSignal) => age(s) > 30 * DAY_MS && age(s) <= 210 * DAY_MS;
  const periodWithin = (days: number) => (s: StoredSignal) => pEnd(s) > now - days * DAY_MS;
  const freshUntil = (s: StoredSignal) => pEnd(s) + freshnessDaysOf(settings, s.source) * DAY_MS;
  const counts = (s: StoredSignal) =>
    !EXTERNAL.has(s.type) ||
    ((settings.trustedProviders === null || settings.trustedProviders.includes(s.source ?? "")) &&
      (s.confidence ?? 1) >= settings.minConfidence &&
      freshUntil(s) > now);
  const str = (s: StoredSignal, key: string) => {
    const v = s.data[key];
    return typeof v === "string" ? v : null;
  };

  const past = signals.filter((s) => t(s) <= now);
  const ahead = signals.filter((s) => t(s) > now);
  const ofType = (type: string) => past.filter((s) => s.type === type);

  const purchases = ofType("purchase");
  const sessions = ofType("session");
  const refunds = ofType("refund");
  const tickets = ofType("support_ticket");
  const campaigns = ofType("campaign_response");
  const appUsage = ofType("competitor_app_usage").filter(counts);
  const competitorPurchases = ofType("competitor_purchase").filter(counts);
  const external = [...appUsage, ...competitorPurchases];

  const spend = (xs: StoredSignal[]) => sum(xs.map((s) => s.amount ?? 0));
  const orders = (xs: StoredSignal[]) => distinct(xs.map((s) => str(s, "orderId")).filter((o) => o !== null)).length;
  const apps = (xs: StoredSignal[]) => distinct(xs.map((s) => `${s.competitor}\u0000${str(s, "app")}`)).length;
  const days = (xs: StoredSignal[]) => distinct(xs.map(day));

  // Purchases.
  const spend30 = spend(purchases.filter(within(30)));
  const spend90 = spend(purchases.filter(within(90)));
  const spend180 = spend(purchases.filter(within(180)));
  const orders30 = orders(purchases.filter(within(30)));
  const orders90 = orders(purchases.filter(within(90)));
  const orders180 = orders(purchases.filter(within(180)));
  const first = minOf(purchases.map(t));
  const last = maxOf(purchases.map(t));
  const purchaseDays = days(purchases).sort((a, b) => a - b);
  // The weeks bought in: their Mondays (UTC), as date_trunc('week') gives them.
  const purchaseWeeks = distinct(purchaseDays.map((d) => d - ((new Date(d).getUTCDay() + 6) % 7) * DAY_MS))
    .sort((a, b) => a - b)
    .map((w) => new Date(w));

  // Gaps between purchase days, in days, and their 90th percentile: an actual gap (percentile_disc).
  const gaps = purchaseDays.slice(1).map((d, i) => (d - purchaseDays[i]!) / DAY_MS);
  const gapN = gaps.length === 0 ? null : gaps.length;
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const gapP90 = gapN === null ? null : sortedGaps[Math.max(Math.ceil(USUAL_GAP_PERCENTILE * gapN), 1) - 1]!;
  const spanDays = first === null || last === null ? null : (last - first) / DAY_MS;
  const usualMaxGap =
    gapN === null || gapP90 === null || spanDays === null
      ? null
      : (gapN * gapP90 + GAP_SHRINKAGE * (spanDays / gapN) * spread) / (gapN + GAP_SHRINKAGE);

  // The most bought category in 180 days, every purchase counted; ties go to the first by name.
  const categoryCounts = new Map<string, number>();
  for (const s of purchases.filter(within(180))) {
    const k = str(s, "category");
    if (k !== null) categoryCounts.set(k, (categoryCounts.get(k) ?? 0) + 1);
  }
  const [top] = [...categoryCounts].sort(([ka, na], [kb, nb]) => nb - na || (ka < kb ? -1 : ka > kb ? 1 : 0));

  // Baselines: per 30 days over the 180 days before the last 30 (competitor apps: the count over them).
  const spendBaseline = spend(purchases.filter(inBaseline)) / 6;
  const ordersBaseline = orders(purchases.filter(inBaseline)) / 6;
  const sessionsBaseline = sessions.filter(inBaseline).length / 6;
  const competitorSpendBaseline = spend(competitorPurchases.filter(inBaseline)) / 6;
  const competitorAppsBaseline = apps(appUsage.filter((s) => !periodWithin(30)(s) && periodWithin(210)(s)));

  const sessions30 = sessions.filter(within(30)).length;
  const competitorSpend30 = spend(competitorPurchases.filter(within(30)));
  const external30 = external.filter(periodWithin(30));

  // The next moment a signal crosses a window edge or goes stale, or one dated ahead arrives.
  const edgeOf = (s: StoredSignal) => {
    const w = EDGES[s.type]!;
    const firstEdge = (from: number, windows: number[]) => {
      const d = windows.find((n) => from >= now - n * DAY_MS);
      return d === undefined ? null : from + d * DAY_MS;
    };
    const candidates = [firstEdge(t(s), w.occurred), firstEdge(pEnd(s), w.periodEnd)];
    if (w.fresh && freshUntil(s) > now) candidates.push(freshUntil(s));
    return minOf(candidates.filter((c) => c !== null));
  };
  const nextChange = minOf([...past.map(edgeOf).filter((e) => e !== null), ...ahead.map(t)]);

  return {
    customer_id: signals[0]?.customer_id ?? null,
    as_of: asOf,
    watermark: dateOrNull(maxOf(signals.map((s) => s.received_at.getTime()))),
    next_change_at: dateOrNull(nextChange),
    spend_30d: spend30,
    spend_90d: spend90,
    spend_180d: spend180,
    orders_30d: orders30,
    orders_90d: orders90,
    orders_180d: orders180,
    aov_30d: ratio(spend30, orders30),
    aov_90d: ratio(spend90, orders90),
    aov_180d: ratio(spend180, orders180),
    refunds_90d: spend(refunds.filter(within(90))),
    orders_total: orders(purchases),
    spend_total: spend(purchases),
    first_purchase_at: dateOrNull(first),
    last_purchase_at: dateOrNull(last),
    days_since_last_purchase: last === null ? null : (now - last) / DAY_MS,
    purchase_interval_days: purchaseDays.length >= 2 && spanDays !== null ? spanDays / (purchaseDays.length - 1) : null,
    purchase_gaps: gapN ?? 0,
    purchase_gap_p90_days: gapP90,
    usual_max_gap_days: usualMaxGap,
    purchase_weeks: purchaseWeeks,
    sessions_7d: sessions.filter(within(7)).length,
    sessions_30d: sessions30,
    active_days_7d: distinct([...days(purchases.filter(within(7))), ...days(sessions.filter(within(7)))]).length,
    active_days_30d: distinct([...days(purchases.filter(within(30))), ...days(sessions.filter(within(30)))]).length,
    category_repeat_max_180d: top?.[1] ?? 0,
    top_category_180d: top?.[0] ?? null,
    competitor_apps_30d: apps(appUsage.filter(periodWithin(30))),
    competitor_apps_90d: apps(appUsage.filter(periodWithin(90))),
    competitor_app_names_30d: distinct(appUsage.filter(periodWithin(30)).map((s) => str(s, "app")!)),
    competitor_names_30d: distinct(external30.map((s) => s.competitor).filter((c) => c !== null)),
    competitor_spend_30d: competitorSpend30,
    competitor_spend_90d: spend(competitorPurchases.filter(within(90))),
    competitor_minutes_30d: sum(appUsage.filter(periodWithin(30)).map((s) => (typeof s.data.minutes === "number" ? s.data.minutes : 0))),
    competitor_confidence_30d: external30.length === 0 ? null : sum(external30.map((s) => s.confidence ?? 1)) / external30.length,
    support_tickets_30d: tickets.filter(within(30)).length,
    high_severity_tickets_30d: tickets.filter(within(30)).filter((s) => ["high", "critical"].includes(str(s, "severity") ?? "")).length,
    negative_tickets_30d: tickets.filter(within(30)).filter((s) => str(s, "sentiment") === "negative").length,
    campaign_clicks_30d: campaigns.filter(within(30)).filter((s) => str(s, "event") === "clicked").length,
    unsubscribed: campaigns.some((s) => str(s, "event") === "unsubscribed"),
    spend_30d_baseline: spendBaseline,
    orders_30d_baseline: ordersBaseline,
    sessions_30d_baseline: sessionsBaseline,
    competitor_spend_30d_baseline: competitorSpendBaseline,
    competitor_apps_30d_baseline: competitorAppsBaseline,
    competitor_purchases_30d: competitorPurchases.filter(within(30)).length,
    competitor_purchases_30d_baseline: competitorPurchases.filter(inBaseline).length / 6,
    spend_30d_change: ratio(spend30 - spendBaseline, spendBaseline),
    orders_30d_change: ratio(orders30 - ordersBaseline, ordersBaseline),
    sessions_30d_change: ratio(sessions30 - sessionsBaseline, sessionsBaseline),
    competitor_spend_30d_change: ratio(competitorSpend30 - competitorSpendBaseline, competitorSpendBaseline),
  };
}

/**
 * The workspace's spread of gaps, from its customers' stored features: the median ratio of
 * 90th-percentile gap to mean gap over the first 5,000 customers (by id) with at least
 * PRIOR_MIN_GAPS gaps, once MIN_PRIOR_CUSTOMERS have them; ln 10 before.
 */
export function workspaceGapSpread(stored: readonly ReferenceRow[]): number {
  const ratios = stored
    .filter((f) => (f.purchase_gaps as number) >= PRIOR_MIN_GAPS && (f.purchase_interval_days as number | null) !== null)
    .filter((f) => (f.purchase_interval_days as number) > 0 && f.purchase_gap_p90_days !== null)
    .sort((a, b) => ((a.customer_id as string) < (b.customer_id as string) ? -1 : 1))
    .slice(0, 5000)
    .map((f) => (f.purchase_gap_p90_days as number) / (f.purchase_interval_days as number))
    .sort((a, b) => a - b);
  if (ratios.length < MIN_PRIOR_CUSTOMERS) return DEFAULT_GAP_SPREAD;
  // percentile_cont(0.5): between the two middle values when there is an even number.
  const pos = 0.5 * (ratios.length - 1);
  const lo = ratios[Math.floor(pos)]!;
  const hi = ratios[Math.ceil(pos)]!;
  return lo + (hi - lo) * (pos - Math.floor(pos));
}
