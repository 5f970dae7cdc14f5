// The learned risk model's inputs: every feature a customer has (own purchases, sessions,
// support, campaigns, competitor apps and spend) and the purchase model's outputs, each read
// the same way in JavaScript (training rows, reasons) and in SQL (scoring, beside the model
// values). Counts and amounts enter as ln(1 + v): a customer's 10th order says less than their
// 2nd, and money in KRW spans orders of magnitude. Missing values count as 0.
//
// The tier is left out on purpose: its parts (spend, frequency, recency, engagement) are
// inputs here already, and a past date's tier is often unknown for imported history.

export type RiskInputGroup = "own" | "engagement" | "support" | "competitor" | "purchase_model";

export type RiskInput = {
  /** Stable name, stored with each model version. */
  name: string;
  /** Words for a reason: "competitor spend in 30 days: +0.12". */
  label: string;
  group: RiskInputGroup;
  /** From a row with customer_features and customer_model_scores columns (snake_case). */
  js: (row: Record<string, unknown>) => number;
  /** The same over `f` (features, with days_since_last_purchase) and `m` (model values). */
  sql: string;
};

const num = (v: unknown): number => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : typeof v === "boolean" ? (v ? 1 : 0) : 0;
  return Number.isFinite(n) ? n : 0;
};

const log1p = (name: string, column: string, label: string, group: RiskInputGroup, alias = "f"): RiskInput => ({
  name,
  label,
  group,
  js: (row) => Math.log1p(Math.max(0, num(row[column]))),
  sql: `ln(1 + greatest(0, coalesce(${alias}.${column}::float8, 0)))`,
});

const CLIP = 1e-6;
/** Log-odds of a probability column, clipped so 0 and 1 stay finite. */
const logOdds = (name: string, column: string, label: string): RiskInput => ({
  name,
  label,
  group: "purchase_model",
  js: (row) => {
    const p = Math.min(1 - CLIP, Math.max(CLIP, num(row[column] ?? 0.5)));
    return Math.log(p / (1 - p));
  },
  sql: `(select ln(p / (1 - p)) from (select least(${1 - CLIP}, greatest(${CLIP}, coalesce(m.${column}, 0.5)::float8)) as p) x)`,
});

export const riskInputs: readonly RiskInput[] = [
  log1p("daysSinceLastPurchase", "days_since_last_purchase", "days since the last purchase", "own"),
  log1p("purchaseIntervalDays", "purchase_interval_days", "usual days between purchases", "own"),
  log1p("orders30d", "orders_30d", "orders in 30 days", "own"),
  log1p("orders90d", "orders_90d", "orders in 90 days", "own"),
  log1p("ordersTotal", "orders_total", "orders in all", "own"),
  log1p("ordersBaseline", "orders_30d_baseline", "usual orders per 30 days", "own"),
  log1p("spend30d", "spend_30d", "spend in 30 days", "own"),
  log1p("spend90d", "spend_90d", "spend in 90 days", "own"),
  log1p("spendBaseline", "spend_30d_baseline", "usual spend per 30 days", "own"),
  log1p("refunds90d", "refunds_90d", "refunds in 90 days", "own"),
  log1p("sessions30d", "sessions_30d", "sessions in 30 days", "engagement"),
  log1p("sessionsBaseline", "sessions_30d_baseline", "usual sessions per 30 days", "engagement"),
  log1p("activeDays30d", "active_days_30d", "active days in 30 days", "engagement"),
  log1p("campaignClicks30d", "campaign_clicks_30d", "campaign clicks in 30 days", "engagement"),
  {
    name: "unsubscribed",
    label: "unsubscribed from campaigns",
    group: "engagement",
    js: (row) => (row.unsubscribed === true ? 1 : 0),
    sql: "(case when f.unsubscribed then 1 else 0 end)::float8",
  },
  log1p("supportTickets30d", "support_tickets_30d", "support tickets in 30 days", "support"),
  log1p("negativeTickets30d", "negative_tickets_30d", "negative support tickets in 30 days", "support"),
  log1p("highSeverityTickets30d", "high_severity_tickets_30d", "high-severity support tickets in 30 days", "support"),
  log1p("competitorApps30d", "competitor_apps_30d", "rival apps used in 30 days", "competitor"),
  log1p("competitorApps90d", "competitor_apps_90d", "rival apps used in 90 days", "competitor"),
  log1p("competitorMinutes30d", "competitor_minutes_30d", "minutes in rival apps in 30 days", "competitor"),
  log1p("competitorSpend30d", "competitor_spend_30d", "competitor spend in 30 days", "competitor"),
  log1p("competitorSpend90d", "competitor_spend_90d", "competitor spend in 90 days", "competitor"),
  log1p("competitorSpendBaseline", "competitor_spend_30d_baseline", "usual competitor spend per 30 days", "competitor"),
  logOdds("purchaseModelChurn", "churn_probability", "the purchase model's churn probability"),
  log1p("purchaseModelExpectedPurchases", "expected_purchases_90d", "purchases the purchase model expects in 90 days", "purchase_model", "m"),
];

export const riskInputByName = new Map(riskInputs.map((i) => [i.name, i]));

/** The inputs of a stored version, in its order (a version keeps working if the list grows). */
export function inputsOf(names: readonly string[]): RiskInput[] {
  return names.map((n) => {
    const input = riskInputByName.get(n);
    if (!input) throw new Error(`risk model input ${n} is no longer defined`);
    return input;
  });
}
