// The fact catalogue: every value a rule can test, what it means, and how to read it in SQL.
// Feature facts are the customer_features columns (their camelCase property names), so the
// `satisfies` below fails to compile when a feature column is added without a catalogue
// entry. The catalogue is served to marketers as is: it must stay plain JSON.
import { getTableColumns } from "drizzle-orm";
import { customerFeatures } from "../db/schema.ts";
import {
  baselineOperators,
  operatorsByFactType,
  tierNames,
  type FactType,
  type Operator,
  type TierName,
} from "./vocabulary.ts";

/**
 * How values are shown: currency = the workspace currency (e.g. KRW); fraction = a share
 * (0.72 → 72%); change = a relative change against the baseline (−0.67 → −67%); ratio = a
 * multiple (2.5 → 2.5×); score = a unitless number.
 */
export const factUnits = ["currency", "count", "days", "minutes", "fraction", "change", "ratio", "score"] as const;
export type FactUnit = (typeof factUnits)[number];

/** `baseline` = per 30 days over the 180 days before the last 30; `current` = as of now. */
export const factWindows = ["7d", "30d", "90d", "180d", "lifetime", "baseline", "current"] as const;
export type FactWindow = (typeof factWindows)[number];

/**
 * Sentence templates for explanations, describing the customer's value of the fact.
 * `{value}` is the fact's value, `{otherFact}` another fact's value (captured in the trace),
 * `[…]` is dropped when a placeholder inside it has no value. `one` is used when the value
 * is exactly 1, `whenFalse` for a false boolean, `whenNull` when the value is missing.
 */
export type FactPhrase = { text: string; one?: string; whenFalse?: string; whenNull?: string };

export type FactSource = "features" | "tier" | "model" | "derived";

/** One catalogue entry, as served to users. */
export type FactDefinition = {
  name: string;
  label: string;
  type: FactType;
  unit: FactUnit | null;
  window: FactWindow;
  description: string;
  /**
   * SQL expression reading the fact over the aliases f (customer_features with
   * days_since_last_purchase as of the moment evaluated, and the derivedFactColumns), t (tier), m (model).
   */
  sql: string;
  nullable: boolean;
  source: FactSource;
  /** The fact holding this fact's usual level; enables decreasedByAtLeast / increasedByAtLeast. */
  baseline?: string;
  derivedFrom?: string[];
  /** Allowed values, for the tier fact (in rank order). */
  values?: readonly string[];
  operators: readonly Operator[];
  phrase: FactPhrase;
};

type Spec = {
  label: string;
  type: FactType;
  unit: FactUnit | null;
  window: FactWindow;
  description: string;
  phrase: FactPhrase;
};

// Columns that are not facts: bookkeeping, and purchase_weeks (a list of dates, what the
// seasonal Bayes factor is computed from).
const bookkeeping = ["workspaceId", "customerId", "asOf", "watermark", "nextChangeAt", "updatedAt", "purchaseWeeks"] as const;
/**
 * Facts read from `f`: customer_features plus columns computed as of the moment being
 * evaluated by whoever builds `f`, not stored because they change with the moment alone:
 * days_since_last_purchase (it grows daily) and seasonal_silence_bayes_factor (the silence
 * and the workspace's calendar grow weekly; db/queries/calendar.ts).
 */
type ComputedColumn = "daysSinceLastPurchase" | "seasonalSilenceBayesFactor";
type FeatureColumn = Exclude<keyof typeof customerFeatures.$inferSelect, (typeof bookkeeping)[number]> | ComputedColumn;
const computedColumns: Partial<Record<FeatureColumn, { name: string; notNull: boolean }>> = {
  daysSinceLastPurchase: { name: "days_since_last_purchase", notNull: false },
  seasonalSilenceBayesFactor: { name: "seasonal_silence_bayes_factor", notNull: false },
};
type FeatureSpec = Spec & { baseline?: FeatureColumn };

const per30 = "the same measure per 30 days over the 180 days before the last 30 (days 31–210)";
const change = (what: string) =>
  `Relative change of ${what} in the last 30 days against the customer's baseline: (last 30 days − baseline) / baseline, so −0.5 means half the usual. Null when the baseline is zero.`;

const featureSpecs = {
  spend30d: {
    label: "spend in the last 30 days",
    type: "number",
    unit: "currency",
    window: "30d",
    description: "Amount spent on purchases in the last 30 days, in the workspace currency (refunds not deducted).",
    phrase: { text: "spent {value} in the last 30 days" },
    baseline: "spend30dBaseline",
  },
  spend90d: {
    label: "spend in the last 90 days",
    type: "number",
    unit: "currency",
    window: "90d",
    description: "Amount spent on purchases in the last 90 days, in the workspace currency (refunds not deducted).",
    phrase: { text: "spent {value} in the last 90 days" },
  },
  spend180d: {
    label: "spend in the last 180 days",
    type: "number",
    unit: "currency",
    window: "180d",
    description: "Amount spent on purchases in the last 180 days, in the workspace currency (refunds not deducted).",
    phrase: { text: "spent {value} in the last 180 days" },
  },
  orders30d: {
    label: "orders in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of distinct orders placed in the last 30 days.",
    phrase: { text: "ordered {value} times in the last 30 days", one: "ordered {value} time in the last 30 days" },
    baseline: "orders30dBaseline",
  },
  orders90d: {
    label: "orders in the last 90 days",
    type: "integer",
    unit: "count",
    window: "90d",
    description: "Number of distinct orders placed in the last 90 days.",
    phrase: { text: "ordered {value} times in the last 90 days", one: "ordered {value} time in the last 90 days" },
  },
  orders180d: {
    label: "orders in the last 180 days",
    type: "integer",
    unit: "count",
    window: "180d",
    description: "Number of distinct orders placed in the last 180 days.",
    phrase: { text: "ordered {value} times in the last 180 days", one: "ordered {value} time in the last 180 days" },
  },
  aov30d: {
    label: "average order value in the last 30 days",
    type: "number",
    unit: "currency",
    window: "30d",
    description: "Average order value in the last 30 days (spend ÷ orders), in the workspace currency. Empty when there were no orders.",
    phrase: { text: "spent {value} per order in the last 30 days", whenNull: "placed no orders in the last 30 days" },
  },
  aov90d: {
    label: "average order value in the last 90 days",
    type: "number",
    unit: "currency",
    window: "90d",
    description: "Average order value in the last 90 days (spend ÷ orders), in the workspace currency. Empty when there were no orders.",
    phrase: { text: "spent {value} per order in the last 90 days", whenNull: "placed no orders in the last 90 days" },
  },
  aov180d: {
    label: "average order value in the last 180 days",
    type: "number",
    unit: "currency",
    window: "180d",
    description: "Average order value in the last 180 days (spend ÷ orders), in the workspace currency. Empty when there were no orders.",
    phrase: { text: "spent {value} per order in the last 180 days", whenNull: "placed no orders in the last 180 days" },
  },
  refunds90d: {
    label: "refunds in the last 90 days",
    type: "number",
    unit: "currency",
    window: "90d",
    description: "Amount refunded to the customer in the last 90 days, in the workspace currency.",
    phrase: { text: "was refunded {value} in the last 90 days" },
  },
  ordersTotal: {
    label: "orders in total",
    type: "integer",
    unit: "count",
    window: "lifetime",
    description: "Number of distinct orders the customer has ever placed.",
    phrase: { text: "has ordered {value} times in total", one: "has ordered {value} time in total" },
  },
  spendTotal: {
    label: "spend in total",
    type: "number",
    unit: "currency",
    window: "lifetime",
    description: "Amount the customer has ever spent on purchases, in the workspace currency.",
    phrase: { text: "has spent {value} in total" },
  },
  firstPurchaseAt: {
    label: "first purchase",
    type: "timestamp",
    unit: null,
    window: "lifetime",
    description: "When the customer first purchased. Empty when they never purchased.",
    phrase: { text: "first purchased on {value}", whenNull: "has never purchased" },
  },
  lastPurchaseAt: {
    label: "last purchase",
    type: "timestamp",
    unit: null,
    window: "lifetime",
    description: "When the customer last purchased. Empty when they never purchased.",
    phrase: { text: "last purchased on {value}", whenNull: "has never purchased" },
  },
  daysSinceLastPurchase: {
    label: "days since the last purchase",
    type: "number",
    unit: "days",
    window: "current",
    description: "Days (with fractions) since the customer's last purchase. Empty when they never purchased.",
    phrase: { text: "last purchased {value} ago", whenNull: "has never purchased" },
  },
  purchaseIntervalDays: {
    label: "usual days between purchases",
    type: "number",
    unit: "days",
    window: "lifetime",
    description:
      "Average days between purchases: the time from first to last purchase divided by the number of gaps between purchase days. Empty with purchases on fewer than two days.",
    phrase: { text: "usually buys every {value}", whenNull: "has too few purchases for a usual interval" },
  },
  purchaseGaps: {
    label: "gaps between purchases",
    type: "integer",
    unit: "count",
    window: "lifetime",
    description: "Number of gaps between the customer's purchase days so far (purchase days − 1; 0 with fewer than two).",
    phrase: { text: "has {value} gaps between purchases so far", one: "has {value} gap between purchases so far" },
  },
  purchaseGapP90Days: {
    label: "90th percentile of days between purchases",
    type: "number",
    unit: "days",
    window: "lifetime",
    description:
      "The 90th percentile of the customer's own gaps between purchase days: nine in ten of their gaps were at most this long. A seasonal buyer's long gap between seasons shows here. Empty with purchases on fewer than two days.",
    phrase: { text: "9 in 10 of their gaps between purchases were at most {value}", whenNull: "has too few purchases for gaps" },
  },
  usualMaxGapDays: {
    label: "usual longest gap between purchases",
    type: "number",
    unit: "days",
    window: "lifetime",
    description:
      "How long the customer usually goes without buying at most: the 90th percentile of their own gaps between purchase days, shrunk toward their mean gap times the workspace's usual spread of gaps (weight of 4 gaps), so one or two gaps say little and many say nearly everything. Empty with purchases on fewer than two days.",
    phrase: { text: "usually goes at most {value} between purchases", whenNull: "has too few purchases for a usual longest gap" },
  },
  seasonalSilenceBayesFactor: {
    label: "seasonal Bayes factor of the silence",
    type: "number",
    unit: "ratio",
    window: "current",
    description:
      "Whether the customer's silence is the brand's off-season: how much better their weeks are explained by two weekly buying rates, one in the workspace's busy weeks and one in its quiet weeks, than by one steady rate (a Bayes factor, uniform priors on the rates), over every complete week since their first purchase week, the silence included. Busy weeks have at least 1.15 × the median week's distinct buyers, counted by the daily pass. Above 3 = substantial evidence that they buy with the season (their silence falls in the quiet weeks they always skip); about 1 or below = one steady rhythm, so the silence is theirs. 1 in a workspace without seasons. Computed only for customers with purchases on two or more days who are silent beyond their usual longest gap (usualMaxGapDays); empty for the rest, and until the workspace has 8 complete weeks of calendar. Capped at 1,000,000; rounded to 3 decimals.",
    phrase: {
      text: "has a seasonal Bayes factor of {value} (the brand's busy and quiet weeks against one steady rhythm)",
      whenNull: "has no seasonal comparison for their silence",
    },
  },
  sessions7d: {
    label: "sessions in the last 7 days",
    type: "integer",
    unit: "count",
    window: "7d",
    description: "Number of sessions (app, web, store or call centre) in the last 7 days.",
    phrase: { text: "had {value} sessions in the last 7 days", one: "had {value} session in the last 7 days" },
  },
  sessions30d: {
    label: "sessions in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of sessions (app, web, store or call centre) in the last 30 days.",
    phrase: { text: "had {value} sessions in the last 30 days", one: "had {value} session in the last 30 days" },
    baseline: "sessions30dBaseline",
  },
  activeDays7d: {
    label: "active days in the last 7 days",
    type: "integer",
    unit: "count",
    window: "7d",
    description: "Number of days in the last 7 with at least one session or purchase.",
    phrase: { text: "was active on {value} days in the last 7 days", one: "was active on {value} day in the last 7 days" },
  },
  activeDays30d: {
    label: "active days in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of days in the last 30 with at least one session or purchase.",
    phrase: { text: "was active on {value} days in the last 30 days", one: "was active on {value} day in the last 30 days" },
  },
  categoryRepeatMax180d: {
    label: "purchases in the favourite category in the last 180 days",
    type: "integer",
    unit: "count",
    window: "180d",
    description: "Purchases in the customer's most-bought category in the last 180 days (see topCategory180d); a measure of habit.",
    phrase: {
      text: "bought from the same category {value} times in the last 180 days",
      one: "bought from the same category {value} time in the last 180 days",
    },
  },
  topCategory180d: {
    label: "favourite category in the last 180 days",
    type: "string",
    unit: null,
    window: "180d",
    description: "The category the customer bought most often in the last 180 days (ties broken alphabetically). Empty without categorised purchases.",
    phrase: { text: "mostly bought {value} in the last 180 days", whenNull: "bought nothing categorised in the last 180 days" },
  },
  competitorApps30d: {
    label: "competitor apps used in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description:
      "Number of distinct competitor apps the customer used in the last 30 days, counting only trusted, fresh and confident third-party signals.",
    phrase: {
      text: "uses {value} competitor apps[ ({competitorAppNames30d})] in the last 30 days",
      one: "uses {value} competitor app[ ({competitorAppNames30d})] in the last 30 days",
    },
    baseline: "competitorApps30dBaseline",
  },
  competitorApps90d: {
    label: "competitor apps used in the last 90 days",
    type: "integer",
    unit: "count",
    window: "90d",
    description:
      "Number of distinct competitor apps the customer used in the last 90 days, counting only trusted, fresh and confident third-party signals.",
    phrase: {
      text: "used {value} competitor apps in the last 90 days",
      one: "used {value} competitor app in the last 90 days",
    },
  },
  competitorAppNames30d: {
    label: "competitor apps used in the last 30 days (names)",
    type: "string[]",
    unit: null,
    window: "30d",
    description: "Names of the competitor apps the customer used in the last 30 days, e.g. to test whether a particular rival app is among them.",
    phrase: { text: "used these competitor apps in the last 30 days: {value}" },
  },
  competitorNames30d: {
    label: "competitors seen in the last 30 days",
    type: "string[]",
    unit: null,
    window: "30d",
    description: "Ids of the competitors the customer used or bought from in the last 30 days (from the competitor registry).",
    phrase: { text: "was seen at these competitors in the last 30 days: {value}" },
  },
  competitorSpend30d: {
    label: "competitor spend in the last 30 days",
    type: "number",
    unit: "currency",
    window: "30d",
    description: "Amount the customer spent at competitors in the last 30 days, converted to the workspace currency.",
    phrase: { text: "spent {value} at competitors in the last 30 days" },
    baseline: "competitorSpend30dBaseline",
  },
  competitorSpend90d: {
    label: "competitor spend in the last 90 days",
    type: "number",
    unit: "currency",
    window: "90d",
    description: "Amount the customer spent at competitors in the last 90 days, converted to the workspace currency.",
    phrase: { text: "spent {value} at competitors in the last 90 days" },
  },
  competitorMinutes30d: {
    label: "minutes in competitor apps in the last 30 days",
    type: "number",
    unit: "minutes",
    window: "30d",
    description: "Minutes the customer spent in competitor apps in the last 30 days, where the provider reports minutes.",
    phrase: { text: "spent {value} in competitor apps in the last 30 days" },
  },
  competitorConfidence30d: {
    label: "confidence in the competitor evidence of the last 30 days",
    type: "number",
    unit: "fraction",
    window: "30d",
    description:
      "The providers' mean stated confidence (0–1; 1 when a signal states none) in the competitor app usage and purchases counted in the last 30 days. Empty without such evidence.",
    phrase: { text: "has competitor evidence its providers are {value} sure of", whenNull: "has no competitor evidence in the last 30 days" },
  },
  supportTickets30d: {
    label: "support tickets in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of support tickets the customer opened in the last 30 days.",
    phrase: {
      text: "opened {value} support tickets in the last 30 days",
      one: "opened {value} support ticket in the last 30 days",
    },
  },
  highSeverityTickets30d: {
    label: "high-severity support tickets in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of support tickets of high or critical severity the customer opened in the last 30 days.",
    phrase: {
      text: "opened {value} high-severity support tickets in the last 30 days",
      one: "opened {value} high-severity support ticket in the last 30 days",
    },
  },
  negativeTickets30d: {
    label: "negative support tickets in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of support tickets with negative sentiment the customer opened in the last 30 days.",
    phrase: {
      text: "opened {value} negative support tickets in the last 30 days",
      one: "opened {value} negative support ticket in the last 30 days",
    },
  },
  campaignClicks30d: {
    label: "campaign clicks in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of campaign messages the customer clicked in the last 30 days.",
    phrase: {
      text: "clicked {value} campaign messages in the last 30 days",
      one: "clicked {value} campaign message in the last 30 days",
    },
  },
  unsubscribed: {
    label: "unsubscribed from marketing",
    type: "boolean",
    unit: null,
    window: "lifetime",
    description: "True when the customer has ever unsubscribed from marketing messages.",
    phrase: { text: "has unsubscribed from marketing", whenFalse: "is subscribed to marketing" },
  },
  spend30dBaseline: {
    label: "usual spend per 30 days",
    type: "number",
    unit: "currency",
    window: "baseline",
    description: `The customer's usual spend: ${per30}, in the workspace currency.`,
    phrase: { text: "usually spends {value} per 30 days" },
  },
  orders30dBaseline: {
    label: "usual orders per 30 days",
    type: "number",
    unit: "count",
    window: "baseline",
    description: `The customer's usual number of orders: ${per30}. Fractional, e.g. 0.5 = one order every two months.`,
    phrase: { text: "usually orders {value} times per 30 days" },
  },
  sessions30dBaseline: {
    label: "usual sessions per 30 days",
    type: "number",
    unit: "count",
    window: "baseline",
    description: `The customer's usual number of sessions: ${per30}.`,
    phrase: { text: "usually has {value} sessions per 30 days" },
  },
  competitorSpend30dBaseline: {
    label: "usual competitor spend per 30 days",
    type: "number",
    unit: "currency",
    window: "baseline",
    description: `The customer's usual spend at competitors: ${per30}, in the workspace currency.`,
    phrase: { text: "usually spends {value} at competitors per 30 days" },
  },
  competitorPurchases30d: {
    label: "competitor purchases in the last 30 days",
    type: "integer",
    unit: "count",
    window: "30d",
    description: "Number of competitor purchases counted in the last 30 days (trusted, fresh and confident enough, as competitor spend).",
    phrase: { text: "bought at competitors {value} times in the last 30 days", one: "bought at competitors {value} time in the last 30 days" },
    baseline: "competitorPurchases30dBaseline",
  },
  competitorPurchases30dBaseline: {
    label: "usual competitor purchases per 30 days",
    type: "number",
    unit: "count",
    window: "baseline",
    description: `The customer's usual number of competitor purchases: ${per30}.`,
    phrase: { text: "usually buys at competitors {value} times per 30 days" },
  },
  competitorApps30dBaseline: {
    label: "competitor apps used before the last 30 days",
    type: "number",
    unit: "count",
    window: "baseline",
    description:
      "Number of distinct competitor apps the customer used in the 180 days before the last 30 (days 31–210). A count of apps, not a per-30-days average.",
    phrase: { text: "used {value} competitor apps in the 180 days before the last 30" },
  },
  spend30dChange: {
    label: "change in spend",
    type: "number",
    unit: "change",
    window: "30d",
    description: change("spend"),
    phrase: { text: "changed their spend by {value} against their usual", whenNull: "had no usual spend to compare with" },
  },
  orders30dChange: {
    label: "change in orders",
    type: "number",
    unit: "change",
    window: "30d",
    description: change("the number of orders"),
    phrase: { text: "changed their orders by {value} against their usual", whenNull: "had no usual orders to compare with" },
  },
  sessions30dChange: {
    label: "change in sessions",
    type: "number",
    unit: "change",
    window: "30d",
    description: change("the number of sessions"),
    phrase: { text: "changed their sessions by {value} against their usual", whenNull: "had no usual sessions to compare with" },
  },
  competitorSpend30dChange: {
    label: "change in competitor spend",
    type: "number",
    unit: "change",
    window: "30d",
    description: change("spend at competitors"),
    phrase: {
      text: "changed their competitor spend by {value} against their usual",
      whenNull: "had no usual competitor spend to compare with",
    },
  },
} as const satisfies Record<FeatureColumn, FeatureSpec>;

type SqlSpec = Spec & { sql: string };

const tierSpecs = {
  tier: {
    label: "tier",
    type: "tier",
    unit: null,
    window: "current",
    description:
      "The customer's tier: Bronze < Silver < Gold < Platinum < Diamond. lessThan, greaterThan and between compare by rank, so `greaterThanInclusive Gold` means Gold, Platinum or Diamond. Empty before the first tier evaluation.",
    sql: "t.tier_rank",
    phrase: { text: "is a {value} customer", whenNull: "has no tier yet" },
  },
  tierScore: {
    label: "tier score",
    type: "number",
    unit: "score",
    window: "current",
    description:
      "The 0–100 composite the customer's tier is cut from: monetary value, purchase frequency, recency and engagement, weighted per workspace. Empty before the first tier evaluation.",
    sql: "t.tier_score",
    phrase: { text: "has a tier score of {value}", whenNull: "has no tier yet" },
  },
} as const satisfies Record<string, SqlSpec>;

const noModel = "has no model prediction yet";
const modelSpecs = {
  churnProbability: {
    label: "churn probability",
    type: "number",
    unit: "fraction",
    window: "current",
    description:
      "The model's probability (0–1) that the customer makes no purchase within the model's horizon (90 days unless the workspace sets another), from the workspace's BG/NBD fit. Empty until the customer has been scored by a fitted model.",
    sql: "m.churn_probability",
    phrase: { text: "has a {value} churn probability", whenNull: noModel },
  },
  riskProbability: {
    label: "learned risk probability",
    type: "number",
    unit: "fraction",
    window: "current",
    description:
      "The learned risk model's calibrated probability (0–1) of no purchase within the model's horizon, from every feature (own purchases, sessions, support, campaigns, competitor apps and spend) and the purchase model's outputs. Empty while the workspace has no live learned model (it goes live only when it beats the purchase model out of time; see GET /v1/model).",
    sql: "m.risk_probability",
    phrase: { text: "has a {value} learned risk probability", whenNull: "has no learned risk prediction" },
  },
  riskAlertThreshold: {
    label: "learned risk alert line",
    type: "number",
    unit: "fraction",
    window: "current",
    description:
      "The learned risk probability at or above which the workspace's alert budget (riskModel.alertBudgetPer1kPerWeek, 5 per 1,000 customers a week unless set) lets the model alert: set at each fit as the lowest line at which customers newly crossing it, on the fit's own as-of dates, stay within the budget. Compare riskProbability with it (`riskProbability greaterThanInclusive {fact: riskAlertThreshold}`). Empty while the workspace has no live learned model.",
    sql: "m.risk_alert_threshold",
    phrase: { text: "is held to a learned risk alert line of {value}", whenNull: "has no learned risk alert line" },
  },
  clv: {
    label: "predicted customer lifetime value",
    type: "number",
    unit: "currency",
    window: "current",
    description:
      "Predicted value of the customer's future purchases (BG/NBD expected purchases × Gamma-Gamma expected order value) over the model's CLV period (12 months unless set otherwise), discounted, in the workspace currency. Empty until scored, or when the order-value part could not be fitted.",
    sql: "m.clv",
    phrase: { text: "has a predicted lifetime value of {value}", whenNull: noModel },
  },
  valueAtRisk: {
    label: "value at risk",
    type: "number",
    unit: "currency",
    window: "current",
    description:
      "Predicted lifetime value weighted by the churn probability (clv × churnProbability): the value most likely to be lost, in the workspace currency. Empty when clv is.",
    sql: "m.value_at_risk",
    phrase: { text: "has {value} of predicted value at risk", whenNull: noModel },
  },
  pAlive: {
    label: "probability of being active",
    type: "number",
    unit: "fraction",
    window: "current",
    description:
      "The model's probability (0–1) that the customer is still an active buyer (BG/NBD P(alive)). Empty until the customer has been scored by a fitted model.",
    sql: "m.p_alive",
    phrase: { text: "has a {value} chance of still being an active buyer", whenNull: noModel },
  },
  expectedPurchases90d: {
    label: "expected purchases in the next 90 days",
    type: "number",
    unit: "count",
    window: "current",
    description: "The model's expected number of purchases (purchase days) by the customer in the next 90 days. Empty until the customer has been scored by a fitted model.",
    sql: "m.expected_purchases_90d",
    phrase: { text: "is expected to buy {value} times in the next 90 days", whenNull: noModel },
  },
} as const satisfies Record<string, SqlSpec>;

/**
 * PostgreSQL double precision holds NaN and ±Infinity and orders NaN above every number,
 * where JavaScript compares NaN false; both sides read non-finite numbers as null instead.
 */
export const finiteSql = (expr: string) => `(case when abs(${expr}) < 'Infinity'::float8 then ${expr} end)`;

const daysSince = finiteSql("f.days_since_last_purchase");
const interval = finiteSql("f.purchase_interval_days");
const usualMaxGap = finiteSql("f.usual_max_gap_days");
const rivalSpend = `coalesce(${finiteSql("f.competitor_spend_30d")}, 0)`;
const ownSpend = `coalesce(${finiteSql("f.spend_30d")}, 0)`;
// Days of the baseline period (days 31–210 before now) in which the customer was already a
// customer (since their first purchase). A baseline is a sum over that period divided by 6, so
// for a customer known for less than 210 days it understates their usual; the *Usual facts
// divide by the part actually known instead. When the first purchase falls inside the period,
// it only says when they arrived: their own rate is estimated from the orders after it (n − 1
// orders in the known days, spend scaled alike), or a short history would overstate it.
// least/greatest skip nulls in PostgreSQL, so unknown inputs are caught first.
// Computed once per customer as the column baseline_days_known (see derivedFactColumns): its
// numeric extract(epoch …), repeated in every rule that reads a usual level, was most of the
// cost of evaluating the rules for a whole workspace.
const knownDaysSql = `(case when f.first_purchase_at is not null and f.last_purchase_at is not null and ${daysSince} is not null then least(180::float8, greatest(0::float8, extract(epoch from (f.last_purchase_at - f.first_purchase_at)) / 86400 + ${daysSince} - 30)) end)`;
const knownDays = "f.baseline_days_known";
/** Below this many known days of baseline, nothing is usual yet. */
export const MIN_BASELINE_DAYS = 30;
const baselineOrders = `(${finiteSql("f.orders_30d_baseline")} * 6)`;
/** Per 30 days over the known days; `arrival` = the share of the sum left after the first purchase, when it falls inside. */
const usualSql = (baseline: string, arrival: string | null = null) =>
  `(case when ${knownDays} >= ${MIN_BASELINE_DAYS} then ${finiteSql(baseline)} * 6 * ${
    arrival ? `(case when ${knownDays} < 180 then ${arrival} else 1 end)` : "1"
  } * 30 / ${knownDays} end)`;
/** The count behind a usual level: the baseline's sum over the known days (`arrival` as in usualSql). */
const usualCountSql = (baseline: string, arrival: string | null = null) =>
  `(case when ${knownDays} >= ${MIN_BASELINE_DAYS} then ${finiteSql(baseline)} * 6 * ${arrival ? `(case when ${knownDays} < 180 then ${arrival} else 1 end)` : "1"} end)`;
/**
 * Counts up to this are weighed (a month with more is no shortfall worth a rule), usual counts up to
 * SHORTFALL_MAX_USUAL: within both, p^n stays above the smallest double and the sum below the
 * largest, so PostgreSQL (which raises on underflow and overflow) and JavaScript agree.
 */
export const SHORTFALL_MAX_COUNT = 60;
export const SHORTFALL_MAX_USUAL = 1000;
/**
 * P(X ≤ k) for X ~ negative binomial (n, p = t / (t + 30)): the gamma-Poisson chance of seeing at
 * most k events in 30 days from a customer whose rate is known from n events in t days (the rate's
 * posterior Gamma(n, t) under a flat prior, so a rate known from a few events is uncertain and
 * little surprises). p^n × (1 + a1 (1 + a2 (1 + … a_k))) with a_i = (n + i − 1) / i × (1 − p),
 * unrolled (no set-returning subquery per customer), rounded to 6 decimals, as `shortfallChance`.
 */
const shortfallSql = (count: string, n: string, t: string) => {
  let horner = "1";
  for (let i = SHORTFALL_MAX_COUNT; i >= 1; i--) horner = `1 + case when p.k >= ${i} then (p.n + ${i - 1}) / ${i} * p.q * (${horner}) else 0 end`;
  return `(select case when p.k >= 0 and p.k <= ${SHORTFALL_MAX_COUNT} and p.n > 0 and p.n <= ${SHORTFALL_MAX_USUAL} and p.t >= ${MIN_BASELINE_DAYS}
      then round(least(1::float8, power(p.t / (p.t + 30), p.n) * (${horner}))::numeric, 6)::float8 end
    from (select k, n, t, 30 / (t + 30) as q from (select (${count})::float8 as k, (${n})::float8 as n, (${t})::float8 as t offset 0) x) p)`;
};
/**
 * P(X ≥ k) for the same X with a half event added to the usual count (n + ½: the Jeffreys
 * prior, so a customer who never bought at rivals has a small but not zero usual rate):
 * 1 − P(X ≤ k − 1), summed as shortfallSql, rounded to 6 decimals, as `surgeChance`. 1 for k = 0.
 */
const surgeSql = (count: string, n: string, t: string) =>
  `(select case when r.k = 0 and r.t >= ${MIN_BASELINE_DAYS} and r.n is not null then 1::float8
      when r.k >= 1 and r.k <= ${SHORTFALL_MAX_COUNT} then round((1 - ${shortfallSql("r.k - 1", "r.n + 0.5", "r.t")})::numeric, 6)::float8 end
    from (select (${count})::float8 as k, (${n})::float8 as n, (${t})::float8 as t offset 0) r)`;
const afterFirstOrder = `(case when ${baselineOrders} >= 1 then (${baselineOrders} - 1) / ${baselineOrders} else 0 end)`;

/**
 * Derived facts that every rule reading them would otherwise recompute, computed once per
 * customer as columns of `f` instead, in stages (a stage reads the columns of the ones
 * before). Whoever builds `f` for rule SQL wraps its query with `derivedFactColumnsOpen` +
 * query + `derivedFactColumnsClose` (the query and each stage fenced by `offset 0`, so
 * PostgreSQL does not paste a column's expression, days_since_last_purchase's included, back
 * into every reader). Their values are exactly what the
 * expressions give inline, so the JavaScript derivations (deriveFact) agree as before.
 */
export const derivedFactColumns: readonly (readonly { column: string; sql: string }[])[] = [
  [{ column: "baseline_days_known", sql: knownDaysSql }],
  [
    { column: "orders_30d_shortfall_chance", sql: shortfallSql("f.orders_30d", usualCountSql("f.orders_30d_baseline", afterFirstOrder), knownDays) },
    { column: "sessions_30d_shortfall_chance", sql: shortfallSql("f.sessions_30d", usualCountSql("f.sessions_30d_baseline"), knownDays) },
    { column: "competitor_purchases_30d_surge_chance", sql: surgeSql("f.competitor_purchases_30d", usualCountSql("f.competitor_purchases_30d_baseline"), knownDays) },
  ],
];
const stageSelect = (stage: readonly { column: string; sql: string }[]) => `select f.*, ${stage.map((c) => `${c.sql} as ${c.column}`).join(", ")} from (`;
/** `(open)(a query over f: customer_features with days_since_last_purchase)(close)` is that query with the derived fact columns. */
export const derivedFactColumnsOpen = [...derivedFactColumns].reverse().map(stageSelect).join("") + "select * from (";
export const derivedFactColumnsClose = [null, ...derivedFactColumns].map(() => ") f offset 0").join(" ");
const rivalBaseline = `coalesce(${finiteSql("f.competitor_spend_30d_baseline")}, 0)`;
const ownBaseline = `coalesce(${finiteSql("f.spend_30d_baseline")}, 0)`;
const shareNow = `(case when ${rivalSpend} + ${ownSpend} > 0 then ${rivalSpend} / (${rivalSpend} + ${ownSpend}) end)`;
const shareUsual = `(case when ${rivalBaseline} + ${ownBaseline} > 0 then ${rivalBaseline} / (${rivalBaseline} + ${ownBaseline}) end)`;
const usualOf = (what: string) =>
  `The customer's usual ${what} per 30 days: the baseline (days 31–210 before now) taken over the part of that period since their first purchase, so a customer known for a few months is compared with their own months, not with months before they arrived. Empty with less than ${MIN_BASELINE_DAYS} such days.`;

const shortfallOf = (what: string, usual: string) =>
  `How surprising the customer's ${what} in the last 30 days are against their own usual (${usual}): the chance of seeing this few or fewer in 30 days if they went on as usual, allowing for how little a short history says about their usual rate (gamma-Poisson: the rate known from the count over the days they have been a customer). 0.02 = a 2% chance, a real fall; 0.4 = an ordinary month. Unlike a ratio to the usual it weighs the count: 1 order against a usual 3 is common (about 20%), 3 against a usual 10 is not (about 2%). Empty without a usual level (less than ${MIN_BASELINE_DAYS} days known, or none usual), and above ${SHORTFALL_MAX_COUNT} in the last 30 days or ${SHORTFALL_MAX_USUAL} in the baseline period (no shortfall worth a rule).`;

/** Fewer gaps than this say nothing about a rhythm: silenceChance is empty. */
export const MIN_SILENCE_GAPS = 1;
/** Beyond this exponent (e^−700 ≈ 1e−304) the chance is 0: no underflow in PostgreSQL, which raises on it. */
const SILENCE_MAX_EXPONENT = 700;
/**
 * P(gap ≥ s) for exponential gaps whose rate has a Gamma(n, n × q / ln 10) posterior (n gaps,
 * each read as of mean q / ln 10, so that 9 in 10 are at most q): the Lomax tail
 * (1 + s ln 10 / (n q))^−n, as exp(−n ln(…)), rounded to 6 decimals, as `silenceChance`.
 */
const silenceChanceSql = `(select case when p.s >= 0 and p.n >= ${MIN_SILENCE_GAPS} and p.q > 0
      then round((case when p.e > ${SILENCE_MAX_EXPONENT} then 0 else exp(-p.e) end)::numeric, 6)::float8 end
    from (select s, n, q, case when s >= 0 and n >= ${MIN_SILENCE_GAPS} and q > 0 then n * ln(1 + s * ${Math.LN10}::float8 / (n * q)) end as e
      from (select ${daysSince} as s, (f.purchase_gaps)::float8 as n, ${usualMaxGap} as q offset 0) x) p)`;

const derivedSpecs = {
  orders30dShortfallChance: {
    label: "chance of so few orders at the usual rate",
    type: "number",
    unit: "fraction",
    window: "30d",
    description: shortfallOf("orders", "orders30dUsual"),
    sql: "f.orders_30d_shortfall_chance",
    phrase: {
      text: "had a {value} chance of ordering this little at their usual rate[ ({orders30d} orders in the last 30 days against a usual {orders30dUsual})]",
      whenNull: "has no usual number of orders to compare with",
    },
    derivedFrom: ["orders30d", "orders30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  sessions30dShortfallChance: {
    label: "chance of so few sessions at the usual rate",
    type: "number",
    unit: "fraction",
    window: "30d",
    description: shortfallOf("sessions", "sessions30dUsual"),
    sql: "f.sessions_30d_shortfall_chance",
    phrase: {
      text: "had a {value} chance of visiting this little at their usual rate[ ({sessions30d} sessions in the last 30 days against a usual {sessions30dUsual})]",
      whenNull: "has no usual number of sessions to compare with",
    },
    derivedFrom: ["sessions30d", "sessions30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  silenceRatio: {
    label: "silence against the usual purchase interval",
    type: "number",
    unit: "ratio",
    window: "current",
    description:
      "Days since the last purchase divided by the usual days between purchases: 1 = right on schedule, above 2 = silent for more than twice as long as usual. Empty when either is empty or the usual interval is 0.",
    sql: `(case when ${interval} <> 0 then ${daysSince} / ${interval} end)`,
    phrase: {
      text: "has not purchased for {daysSinceLastPurchase}, {value} their usual interval[ of {purchaseIntervalDays}]",
      whenNull: "has no usual purchase interval to compare with",
    },
    derivedFrom: ["daysSinceLastPurchase", "purchaseIntervalDays"],
  },
  gapSilenceRatio: {
    label: "silence against the usual longest gap",
    type: "number",
    unit: "ratio",
    window: "current",
    description:
      "Days since the last purchase divided by the customer's usual longest gap between purchases (usualMaxGapDays): above 1 = silent for longer than they usually ever are. Judged against their own gaps, so a seasonal buyer's regular long gap between seasons is not silence while a steady buyer going quiet is. Empty when either is empty or the usual longest gap is 0.",
    sql: `(case when ${usualMaxGap} <> 0 then ${daysSince} / ${usualMaxGap} end)`,
    phrase: {
      text: "has not purchased for {daysSinceLastPurchase}, {value} the longest gap usual for them[ ({usualMaxGapDays})]",
      whenNull: "has no usual longest gap between purchases to compare with",
    },
    derivedFrom: ["daysSinceLastPurchase", "usualMaxGapDays"],
  },
  silenceChance: {
    label: "chance of a silence this long at their own rhythm",
    type: "number",
    unit: "fraction",
    window: "current",
    description: `How unusual the customer's current silence is for them: the chance that a customer buying at their own rhythm would go at least this long without buying. Their gaps between purchases are taken as exponential with nine in ten at most their usual longest gap (usualMaxGapDays, their own 90th percentile shrunk toward the workspace's spread of gaps when they have few), and the rate as known only from their own gaps (purchaseGaps) (gamma posterior, so a customer with few gaps surprises less): (1 + days × ln 10 / (gaps × usual longest gap))^−gaps. At their usual longest gap it is about 0.1 for a customer with many gaps; 0.01 = a silence they would keep 1 time in 100, a real break in their rhythm. A seasonal buyer between seasons, or a price comparer still buying as usual, scores high. Empty with fewer than ${MIN_SILENCE_GAPS} gaps or no usual longest gap; rounded to 6 decimals.`,
    sql: silenceChanceSql,
    phrase: {
      text: "had a {value} chance of going this long without buying at their own rhythm[ (silent {daysSinceLastPurchase}, usually at most {usualMaxGapDays} between purchases)]",
      whenNull: "has too few gaps between purchases to judge a silence",
    },
    derivedFrom: ["daysSinceLastPurchase", "purchaseGaps", "usualMaxGapDays"],
  },
  baselineDaysKnown: {
    label: "days of the baseline period known",
    type: "number",
    unit: "days",
    window: "baseline",
    description:
      "How many of the baseline period's 180 days (days 31–210 before now) fall after the customer's first purchase: 180 for a customer of long standing, fewer for a newer one. Empty when they never purchased.",
    sql: knownDays,
    phrase: { text: "has been a customer for {value} of the 180 days before the last 30", whenNull: "has never purchased" },
    derivedFrom: ["firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  spend30dUsual: {
    label: "usual spend per 30 days (since they became a customer)",
    type: "number",
    unit: "currency",
    window: "baseline",
    description: usualOf("spend"),
    sql: usualSql("f.spend_30d_baseline", afterFirstOrder),
    phrase: { text: "usually spends {value} per 30 days", whenNull: "has too short a history for a usual spend" },
    derivedFrom: ["spend30dBaseline", "orders30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  orders30dUsual: {
    label: "usual orders per 30 days (since they became a customer)",
    type: "number",
    unit: "count",
    window: "baseline",
    description: usualOf("number of orders"),
    sql: usualSql("f.orders_30d_baseline", afterFirstOrder),
    phrase: { text: "usually orders {value} times per 30 days", whenNull: "has too short a history for a usual number of orders" },
    derivedFrom: ["orders30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  sessions30dUsual: {
    label: "usual sessions per 30 days (since they became a customer)",
    type: "number",
    unit: "count",
    window: "baseline",
    description: usualOf("number of sessions"),
    sql: usualSql("f.sessions_30d_baseline"),
    phrase: { text: "usually has {value} sessions per 30 days", whenNull: "has too short a history for a usual number of sessions" },
    derivedFrom: ["sessions30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  competitorSpend30dUsual: {
    label: "usual competitor spend per 30 days (since they became a customer)",
    type: "number",
    unit: "currency",
    window: "baseline",
    description: usualOf("spend at competitors"),
    sql: usualSql("f.competitor_spend_30d_baseline"),
    phrase: { text: "usually spends {value} at competitors per 30 days", whenNull: "has too short a history for a usual competitor spend" },
    derivedFrom: ["competitorSpend30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  competitorPurchases30dSurgeChance: {
    label: "chance of so many competitor purchases at the usual rate",
    type: "number",
    unit: "fraction",
    window: "30d",
    description: `How surprising the customer's competitor purchases in the last 30 days are against their own usual count (competitorPurchases30dBaseline over the days they have been a customer): the chance of seeing this many or more in 30 days if they went on buying at rivals as usual, allowing for how little a short history says (gamma-Poisson, with half a purchase added to the usual count so a customer who never bought at rivals has a small usual rate, not none). 1 with no competitor purchase; 0.02 = a 2% chance, a real rise; 0.5 = the rival purchase a customer who compares prices makes every month or two. A rise, like a fall, is a surprise rather than a ratio: one purchase against a usual of none is a 7% chance for a customer known 180 days and 24% for one known 40; three against none are under 0.1%. Empty with less than ${MIN_BASELINE_DAYS} days known, or above ${SHORTFALL_MAX_COUNT} in the last 30 days or ${SHORTFALL_MAX_USUAL} in the baseline period.`,
    sql: "f.competitor_purchases_30d_surge_chance",
    phrase: {
      text: "had a {value} chance of buying at competitors this often at their usual rate[ ({competitorPurchases30d} competitor purchases in the last 30 days)]",
      whenNull: "has too short a history to judge their competitor purchases",
    },
    derivedFrom: ["competitorPurchases30d", "competitorPurchases30dBaseline", "firstPurchaseAt", "lastPurchaseAt", "daysSinceLastPurchase"],
  },
  competitorShareOfWalletUsual: {
    label: "usual share of spend at competitors",
    type: "number",
    unit: "fraction",
    window: "baseline",
    description:
      "Competitor spend over competitor plus own spend in the baseline period (days 31–210 before now): the share of their wallet rivals usually get. Empty when both are 0.",
    sql: shareUsual,
    phrase: {
      text: "usually spent {value} of their spend at competitors",
      whenNull: "spent nothing with us or at competitors before the last 30 days",
    },
    derivedFrom: ["competitorSpend30dBaseline", "spend30dBaseline"],
  },
  competitorShareOfWalletShift30d: {
    label: "shift of spend to competitors in the last 30 days",
    type: "number",
    unit: "fraction",
    window: "30d",
    description:
      "The share of spend at competitors in the last 30 days minus their usual share (competitorShareOfWallet30d − competitorShareOfWalletUsual): 0.3 = rivals took 30 points more of their wallet than usual. A customer who always splits their spend the same way scores 0 however much they spend at rivals. Empty when either share is.",
    sql: `(${shareNow} - ${shareUsual})`,
    phrase: {
      text: "moved {value} of their wallet to competitors against their usual[ ({competitorSpend30d} at competitors against {spend30d} with us)]",
      whenNull: "has no share of spend to compare with their usual",
    },
    derivedFrom: ["competitorSpend30d", "spend30d", "competitorSpend30dBaseline", "spend30dBaseline"],
  },
  competitorShareOfWallet30d: {
    label: "share of spend at competitors in the last 30 days",
    type: "number",
    unit: "fraction",
    window: "30d",
    description:
      "Competitor spend over competitor spend plus own spend, both in the last 30 days: 0.5 = as much at rivals as with us. Empty when both are 0.",
    sql: `(case when ${rivalSpend} + ${ownSpend} > 0 then ${rivalSpend} / (${rivalSpend} + ${ownSpend}) end)`,
    phrase: {
      text: "spent {value} of their last 30 days' spend at competitors[ ({competitorSpend30d} against {spend30d} with us)]",
      whenNull: "spent nothing with us or at competitors in the last 30 days",
    },
    derivedFrom: ["competitorSpend30d", "spend30d"],
  },
} as const satisfies Record<string, SqlSpec & { derivedFrom: readonly FeatureColumn[] }>;

type Read = (fact: InputFactName) => unknown;
const DAY_MS = 86_400_000;
/** As `knownDays` in SQL: timestamps read as epoch milliseconds. */
function knownBaselineDays(read: Read): number | null {
  const first = read("firstPurchaseAt");
  const last = read("lastPurchaseAt");
  const since = read("daysSinceLastPurchase");
  if (typeof first !== "number" || typeof last !== "number" || typeof since !== "number") return null;
  return Math.min(180, Math.max(0, (last - first) / DAY_MS + since - 30));
}
/** The count behind a usual level and the days it was counted over, as `usualCountSql`. */
function usualCount(read: Read, baseline: InputFactName, arrival = false): { sum: number; days: number } | null {
  const days = knownBaselineDays(read);
  const b = read(baseline);
  if (days === null || days < MIN_BASELINE_DAYS || typeof b !== "number") return null;
  let sum = b * 6;
  if (arrival && days < 180) {
    const orders = read("orders30dBaseline");
    const n = typeof orders === "number" ? orders * 6 : 0;
    sum *= n >= 1 ? (n - 1) / n : 0;
  }
  return { sum, days };
}
function usual(read: Read, baseline: InputFactName, arrival = false): number | null {
  const c = usualCount(read, baseline, arrival);
  return c === null ? null : (c.sum * 30) / c.days;
}
/** As `shortfallSql`: P(X ≤ k), X negative binomial (n, t / (t + 30)), summed the same way. */
export function shortfallChance(k: number, n: number, t: number): number | null {
  if (!(k >= 0 && k <= SHORTFALL_MAX_COUNT && n > 0 && n <= SHORTFALL_MAX_USUAL && t >= MIN_BASELINE_DAYS)) return null;
  const q = 30 / (t + 30);
  let horner = 1;
  for (let i = Math.floor(k); i >= 1; i--) horner = 1 + ((n + (i - 1)) / i) * q * horner;
  return Math.round(Math.min(1, Math.pow(t / (t + 30), n) * horner) * 1e6) / 1e6;
}
/** As `surgeSql`: P(X ≥ k) with the usual count n + ½, as 1 − shortfallChance(k − 1, n + ½, t); 1 for k = 0. */
export function surgeChance(k: number, n: number, t: number): number | null {
  if (!(t >= MIN_BASELINE_DAYS && k >= 0 && k <= SHORTFALL_MAX_COUNT)) return null;
  if (k === 0) return 1;
  const below = shortfallChance(k - 1, n + 0.5, t);
  return below === null ? null : Math.round((1 - below) * 1e6) / 1e6;
}
/**
 * As `silenceChanceSql`: the chance that a customer with `gaps` gaps between purchases, nine in
 * ten of them at most `usualMaxGap` days, goes at least `days` days without buying.
 */
export function silenceChance(days: unknown, gaps: unknown, usualMaxGap: unknown): number | null {
  if (typeof days !== "number" || typeof gaps !== "number" || typeof usualMaxGap !== "number") return null;
  if (!(days >= 0 && gaps >= MIN_SILENCE_GAPS && usualMaxGap > 0)) return null;
  const e = gaps * Math.log(1 + (days * Math.LN10) / (gaps * usualMaxGap));
  return e > SILENCE_MAX_EXPONENT ? 0 : Math.round(Math.exp(-e) * 1e6) / 1e6;
}
function shortfall(read: Read, count: InputFactName, baseline: InputFactName, arrival = false): number | null {
  const k = read(count);
  const c = usualCount(read, baseline, arrival);
  return typeof k !== "number" || c === null ? null : shortfallChance(k, c.sum, c.days);
}
function share(rival: unknown, own: unknown): number | null {
  const r = typeof rival === "number" ? rival : 0;
  const o = typeof own === "number" ? own : 0;
  return r + o > 0 ? r / (r + o) : null;
}

/**
 * Derived facts computed in JavaScript from other (already finite-or-null) facts, exactly
 * as their `sql` computes them in PostgreSQL.
 */
export const deriveFact: Record<DerivedFactName, (read: (fact: InputFactName) => unknown) => number | null> = {
  silenceRatio(read) {
    const days = read("daysSinceLastPurchase");
    const interval = read("purchaseIntervalDays");
    if (typeof days !== "number" || typeof interval !== "number" || interval === 0) return null;
    return days / interval;
  },
  gapSilenceRatio(read) {
    const days = read("daysSinceLastPurchase");
    const gap = read("usualMaxGapDays");
    if (typeof days !== "number" || typeof gap !== "number" || gap === 0) return null;
    return days / gap;
  },
  silenceChance: (read) => silenceChance(read("daysSinceLastPurchase"), read("purchaseGaps"), read("usualMaxGapDays")),
  orders30dShortfallChance: (read) => shortfall(read, "orders30d", "orders30dBaseline", true),
  sessions30dShortfallChance: (read) => shortfall(read, "sessions30d", "sessions30dBaseline"),
  competitorPurchases30dSurgeChance(read) {
    const k = read("competitorPurchases30d");
    const c = usualCount(read, "competitorPurchases30dBaseline");
    return typeof k !== "number" || c === null ? null : surgeChance(k, c.sum, c.days);
  },
  baselineDaysKnown(read) {
    return knownBaselineDays(read);
  },
  spend30dUsual: (read) => usual(read, "spend30dBaseline", true),
  orders30dUsual: (read) => usual(read, "orders30dBaseline", true),
  sessions30dUsual: (read) => usual(read, "sessions30dBaseline"),
  competitorSpend30dUsual: (read) => usual(read, "competitorSpend30dBaseline"),
  competitorShareOfWalletUsual(read) {
    return share(read("competitorSpend30dBaseline"), read("spend30dBaseline"));
  },
  competitorShareOfWalletShift30d(read) {
    const now = share(read("competitorSpend30d"), read("spend30d"));
    const before = share(read("competitorSpend30dBaseline"), read("spend30dBaseline"));
    return now === null || before === null ? null : now - before;
  },
  competitorShareOfWallet30d(read) {
    const num = (v: unknown) => (typeof v === "number" ? v : 0);
    const rival = num(read("competitorSpend30d"));
    const own = num(read("spend30d"));
    return rival + own > 0 ? rival / (rival + own) : null;
  },
};

type FeatureSpecs = typeof featureSpecs;
type TierSpecs = typeof tierSpecs;
type ModelSpecs = typeof modelSpecs;
type InputSpecs = FeatureSpecs & TierSpecs & ModelSpecs;
export type InputFactName = keyof InputSpecs;
export type DerivedFactName = keyof typeof derivedSpecs;
export type FactName = InputFactName | DerivedFactName;

type JsValue<T extends FactType> = T extends "number" | "integer"
  ? number
  : T extends "boolean"
    ? boolean
    : T extends "string"
      ? string
      : T extends "string[]"
        ? readonly string[]
        : T extends "timestamp"
          ? Date
          : T extends "tier"
            ? TierName
            : never;

/**
 * A customer's facts for JS evaluation: a customer_features row plus `tier` (a tier name)
 * and the model's numbers. A missing or null fact reads as null (no model yet, say).
 * Derived facts are computed, never passed.
 */
export type FactValues = { readonly [K in InputFactName]?: JsValue<InputSpecs[K]["type"]> | null };

const columns = getTableColumns(customerFeatures);

function entry(name: string, spec: Spec, rest: Omit<FactDefinition, keyof Spec | "name" | "operators">): FactDefinition {
  const { phrase, ...head } = spec;
  const baseline = rest.baseline ? [...baselineOperators] : [];
  return {
    name,
    ...head,
    ...rest,
    operators: [...operatorsByFactType[spec.type], ...baseline],
    phrase,
  };
}

/** The catalogue, in a stable order, as plain JSON-able data. */
export const factCatalogue: readonly FactDefinition[] = [
  ...Object.entries(featureSpecs).map(([name, spec]) => {
    const column = computedColumns[name as FeatureColumn] ?? columns[name as Exclude<FeatureColumn, ComputedColumn>];
    return entry(name, spec, {
      sql: `f.${column.name}`,
      nullable: !column.notNull,
      source: "features",
      ...("baseline" in spec ? { baseline: spec.baseline } : {}),
    });
  }),
  ...Object.entries(tierSpecs).map(([name, { sql, ...spec }]) =>
    entry(name, spec, { sql, nullable: true, source: "tier", ...(spec.type === "tier" ? { values: tierNames } : {}) }),
  ),
  ...Object.entries(modelSpecs).map(([name, { sql, ...spec }]) => entry(name, spec, { sql, nullable: true, source: "model" })),
  ...Object.entries(derivedSpecs).map(([name, { sql, derivedFrom, ...spec }]) =>
    entry(name, spec, { sql, nullable: true, source: "derived", derivedFrom: [...derivedFrom] }),
  ),
];

export const factsByName: ReadonlyMap<string, FactDefinition> = new Map(factCatalogue.map((f) => [f.name, f]));

/** Other facts a fact's phrase mentions (`{competitorAppNames30d}`): captured in traces. */
export function phraseFacts(fact: FactDefinition): string[] {
  const { text, one, whenFalse, whenNull } = fact.phrase;
  const names = [text, one, whenFalse, whenNull].flatMap((t) => [...(t ?? "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  return [...new Set(names)].filter((n) => n !== "value");
}
