// Storage: one drizzle table per concept. Every row carries its workspace and every
// primary key starts with workspace_id, so a query that forgets the workspace cannot
// use an index and stands out in review.
import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";

import type { ScoringSettings } from "../src/scores/settings.ts";
import type { TierSettings } from "../src/tiers/settings.ts";
import type { ModelChoice, PurchaseModelKind } from "../src/model/purchase-model.ts";

const createdAt = ts("created_at").notNull().defaultNow();

export type WorkspaceSettings = {
  /** ISO 4217 code all amounts are reported in. */
  currency: string;
  /** Rates to convert a signal's currency into the workspace currency (1 unit = rate base units). */
  fxRates: Record<string, number>;
  /** Which third-party providers are trusted; null trusts every provider. */
  trustedProviders: string[] | null;
  /** How many days a provider's external signals count; `default` for unnamed providers. */
  freshnessDays: Record<string, number> & { default: number };
  /** External signals below this confidence are stored but not counted in features. */
  minConfidence: number;
  /** Days a provider's competitor signals are kept, from the end of their period; `default` for unnamed providers; absent keeps them. */
  evidenceRetentionDays?: Record<string, number> | null;
  /** Days every signal is kept, counted from its occurredAt; null or absent keeps them (src/signals/retention.ts). */
  signalRetentionDays?: number | null;
  /** Tier weights, cut-offs and schedule; defaults when absent (src/tiers/settings.ts). */
  tiers?: Partial<TierSettings>;
  /** Alert threshold and score formula; defaults when absent (src/scores/settings.ts). */
  scoring?: Partial<ScoringSettings>;
  /** The customer-base model's settings; absent or partial means the defaults (src/workspaces/settings.ts). */
  model?: Partial<ModelSettings>;
  /** The learned risk model: auto (live when it beats the purchase model), shadow (fitted and reported, not scored) or off. */
  riskModel?: { mode?: "auto" | "shadow" | "off"; alertBudgetPer1kPerWeek?: number };
  /** Webhooks, tasks and campaigns; absent or partial means the defaults (src/workspaces/settings.ts). */
  actions?: Partial<import("./actions-schema.ts").ActionSettings>;
  /** Language of the console by default (and of texts written for people); absent: `ko` for KRW, else `en`. */
  locale?: "ko" | "en";
};

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  settings: jsonb("settings").$type<WorkspaceSettings>().notNull(),
  /** A replay's workspace (src/replay): the live scheduler, sweeps and outbox leave it alone. */
  scratch: boolean("scratch").notNull().default(false),
  createdAt,
});

export const apiKeyRoles = ["ingest", "marketer", "manager", "admin"] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role").$type<ApiKeyRole>().notNull(),
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, to tell keys apart in listings. */
    prefix: text("prefix").notNull(),
    createdAt,
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_key").on(t.keyHash), index("api_keys_workspace_idx").on(t.workspaceId)],
);

/** A CRM platform that signs its webhooks (Standard Webhooks) instead of sending a key. */
export const webhookSources = pgTable(
  "webhook_sources",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** `whsec_…`; kept because verifying an HMAC needs the shared secret itself. */
    secret: text("secret").notNull(),
    /** The secret a rotation replaced; still verifies until `previousSecretExpiresAt`. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    createdAt,
    revokedAt: ts("revoked_at"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const customers = pgTable(
  "customers",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The customer's id in the brand's CRM: the id used in every URL. */
    id: text("id").notNull(),
    name: text("name"),
    email: text("email"),
    managerId: text("manager_id"),
    timezone: text("timezone"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    /** Set when this customer was merged into another; its history moved there. */
    mergedInto: text("merged_into"),
    /** Newest `received_at` of the signals the latest feature refresh saw (kept by the refresh, not by ingest). */
    lastSignalAt: ts("last_signal_at"),
    createdAt,
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const identityKinds = ["crm_id", "email_hash", "device_id", "external_id"] as const;
export type IdentityKind = (typeof identityKinds)[number];

/** Identifiers that point to one customer; every customer has at least its own crm_id. */
export const customerIdentities = pgTable(
  "customer_identities",
  {
    workspaceId: text("workspace_id").notNull(),
    kind: text("kind").$type<IdentityKind>().notNull(),
    value: text("value").notNull(),
    customerId: text("customer_id").notNull(),
    createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.value] }),
    index("customer_identities_customer_idx").on(t.workspaceId, t.customerId),
  ],
);

/**
 * Bumped by every merge (identities re-pointed). Ingest processes cache identity → customer
 * and store with the cache only while the generation they read is still current. Ingest
 * holds the row FOR SHARE while it stores and a merge bumps it before moving signals, so a
 * flush and a merge of the same workspace never interleave. Created with the workspace.
 */
export const identityGenerations = pgTable("identity_generations", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  generation: integer("generation").notNull(),
});

export const competitors = pgTable(
  "competitors",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    name: text("name").notNull(),
    apps: text("apps").array().notNull().default(sql`'{}'::text[]`),
    categories: text("categories").array().notNull().default(sql`'{}'::text[]`),
    /** True when the registry learnt of it from a signal rather than from a person. */
    autoRegistered: boolean("auto_registered").notNull().default(false),
    createdAt,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const signalTypes = [
  "purchase",
  "refund",
  "session",
  "support_ticket",
  "campaign_response",
  "competitor_app_usage",
  "competitor_purchase",
] as const;
export type SignalType = (typeof signalTypes)[number];
export const externalSignalTypes = ["competitor_app_usage", "competitor_purchase"] as const satisfies readonly SignalType[];

export const signals = pgTable(
  "signals",
  {
    workspaceId: text("workspace_id").notNull(),
    /** The sender's id: its idempotency key. */
    id: text("id").notNull(),
    /** The customer the signal landed on (after identity resolution and merges). */
    customerId: text("customer_id").notNull(),
    /** The identifier the sender used, as sent. */
    identityKind: text("identity_kind").$type<IdentityKind>().notNull(),
    identityValue: text("identity_value").notNull(),
    type: text("type").$type<SignalType>().notNull(),
    occurredAt: ts("occurred_at").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    /** Amount converted to the workspace currency (purchases, refunds, competitor purchases). */
    amount: doublePrecision("amount"),
    /** Competitor id for external signals. */
    competitor: text("competitor"),
    /** The provider the signal came from; required for external signals. */
    source: text("source"),
    confidence: doublePrecision("confidence"),
    periodStart: ts("period_start"),
    periodEnd: ts("period_end"),
    consentBasis: text("consent_basis"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    // Partitioned by month of occurred_at (migration 0027; src/signals/partitions.ts): a
    // partitioned table's keys must hold the partition key. Ids are unique per workspace
    // through signalIds.
    primaryKey({ columns: [t.workspaceId, t.id, t.occurredAt] }),
    index("signals_customer_time_idx").on(t.workspaceId, t.customerId, t.occurredAt),
  ],
);

/**
 * The idempotency ledger: one row per stored signal, unpartitioned, so (workspace_id, id)
 * stays unique across months. Ingest inserts here first (on conflict do nothing) and stores
 * in `signals` only the ids this insert returned; whatever deletes signals deletes their rows
 * here too (erasure, evidence deletion, retention).
 */
export const signalIds = pgTable(
  "signal_ids",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    /** The stored signal's occurred_at: finds its partition, and its month for retention. */
    occurredAt: ts("occurred_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/**
 * The workspace's calendar: distinct buyers per week (Monday to Sunday, UTC), counted by the
 * daily pass from its customers' purchase weeks (db/queries/calendar.ts), over a sample of
 * CALENDAR_SAMPLE customers in a larger workspace. Its busy weeks, at least BUSY_WEEK_RATIO ×
 * the median week, are what a seasonal buyer's silence is compared with. Weeks with no buyer
 * have no row.
 */
export const workspaceWeeks = pgTable(
  "workspace_weeks",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    week: date("week", { mode: "string" }).notNull(),
    buyers: integer("buyers").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.week] })],
);

/**
 * Rolling-window aggregates of a customer's signals as of `asOf`. Column names are the
 * rule facts (camelCase in the API, snake_case here). `*Baseline` columns are the same
 * measure per 30 days over the 180 days before the last 30, the customer's own normal;
 * `*Change` is (recent − baseline) / baseline, null when the baseline is zero.
 */
export const customerFeatures = pgTable(
  "customer_features",
  {
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    asOf: ts("as_of").notNull(),
    /** Newest `received_at` among the signals these features were computed from. */
    watermark: ts("watermark"),
    /**
     * When a signal next crosses a window edge, so these features may change; null when
     * none will. Until then they hold (days since the last purchase, not stored, aside).
     */
    nextChangeAt: ts("next_change_at"),
    updatedAt: ts("updated_at").notNull().defaultNow(),

    spend30d: doublePrecision("spend_30d").notNull(),
    spend90d: doublePrecision("spend_90d").notNull(),
    spend180d: doublePrecision("spend_180d").notNull(),
    orders30d: integer("orders_30d").notNull(),
    orders90d: integer("orders_90d").notNull(),
    orders180d: integer("orders_180d").notNull(),
    aov30d: doublePrecision("aov_30d"),
    aov90d: doublePrecision("aov_90d"),
    aov180d: doublePrecision("aov_180d"),
    refunds90d: doublePrecision("refunds_90d").notNull(),
    ordersTotal: integer("orders_total").notNull(),
    spendTotal: doublePrecision("spend_total").notNull(),
    firstPurchaseAt: ts("first_purchase_at"),
    lastPurchaseAt: ts("last_purchase_at"),
    purchaseIntervalDays: doublePrecision("purchase_interval_days"),
    // The customer's own gaps between purchase days, for silence judged against them (0012).
    purchaseGaps: integer("purchase_gaps").notNull().default(0),
    purchaseGapP90Days: doublePrecision("purchase_gap_p90_days"),
    usualMaxGapDays: doublePrecision("usual_max_gap_days"),
    // The weeks (Mondays, UTC) the customer bought in, ascending: their side of the seasonal
    // Bayes factor, and what the workspace's calendar (workspace_weeks) is counted from (0032).
    purchaseWeeks: date("purchase_weeks", { mode: "string" }).array(),

    sessions7d: integer("sessions_7d").notNull(),
    sessions30d: integer("sessions_30d").notNull(),
    activeDays7d: integer("active_days_7d").notNull(),
    activeDays30d: integer("active_days_30d").notNull(),

    categoryRepeatMax180d: integer("category_repeat_max_180d").notNull(),
    topCategory180d: text("top_category_180d"),

    competitorApps30d: integer("competitor_apps_30d").notNull(),
    competitorApps90d: integer("competitor_apps_90d").notNull(),
    competitorAppNames30d: text("competitor_app_names_30d").array().notNull(),
    competitorNames30d: text("competitor_names_30d").array().notNull(),
    competitorSpend30d: doublePrecision("competitor_spend_30d").notNull(),
    competitorSpend90d: doublePrecision("competitor_spend_90d").notNull(),
    competitorMinutes30d: doublePrecision("competitor_minutes_30d").notNull(),
    // Mean provider confidence of the competitor evidence counted in the last 30 days (0012).
    competitorConfidence30d: doublePrecision("competitor_confidence_30d"),

    supportTickets30d: integer("support_tickets_30d").notNull(),
    highSeverityTickets30d: integer("high_severity_tickets_30d").notNull(),
    negativeTickets30d: integer("negative_tickets_30d").notNull(),
    campaignClicks30d: integer("campaign_clicks_30d").notNull(),
    unsubscribed: boolean("unsubscribed").notNull(),

    spend30dBaseline: doublePrecision("spend_30d_baseline").notNull(),
    orders30dBaseline: doublePrecision("orders_30d_baseline").notNull(),
    sessions30dBaseline: doublePrecision("sessions_30d_baseline").notNull(),
    competitorSpend30dBaseline: doublePrecision("competitor_spend_30d_baseline").notNull(),
    // Counted competitor purchases, for a rise in rival buying judged as a surprise (0030).
    competitorPurchases30d: integer("competitor_purchases_30d").notNull().default(0),
    competitorPurchases30dBaseline: doublePrecision("competitor_purchases_30d_baseline").notNull().default(0),
    competitorApps30dBaseline: doublePrecision("competitor_apps_30d_baseline").notNull(),
    spend30dChange: doublePrecision("spend_30d_change"),
    orders30dChange: doublePrecision("orders_30d_change"),
    sessions30dChange: doublePrecision("sessions_30d_change"),
    competitorSpend30dChange: doublePrecision("competitor_spend_30d_change"),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.customerId] }),
    // The daily pass finds customers whose features are due.
    index("customer_features_next_change_idx").on(t.workspaceId, t.nextChangeAt),
    // The workspace's gap spread (featuresSelect) reads the first customers with enough gaps
    // by id: without it every features statement scanned the workspace's features, 0.3 s a
    // page at 200,000 customers, more when few customers qualify. Keep the predicate in step
    // with PRIOR_MIN_GAPS.
    index("customer_features_gap_prior_idx")
      .on(t.workspaceId, t.customerId)
      .where(sql`purchase_gaps >= 8 and purchase_interval_days > 0 and purchase_gap_p90_days is not null`),
  ],
);

export type Workspace = typeof workspaces.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Customer = typeof customers.$inferSelect;
export type Signal = typeof signals.$inferSelect;
export type CustomerFeatures = typeof customerFeatures.$inferSelect;

/** How the workspace's BG/NBD + Gamma-Gamma model is fitted and read. */
export type ModelSettings = {
  /** Horizon of the churn probability (no purchase within it), in days. */
  horizonDays: number;
  /** How many months of future purchases the CLV counts. */
  clvMonths: number;
  /** Discount rate per month applied to future purchases in the CLV. */
  monthlyDiscountRate: number;
  /** L2 penaliser of both fits (`lifetimes`' penalizer_coef; Gamma-Gamma on spend scaled to mean 1); 0 for plain maximum likelihood. */
  penalizer: number;
  /** Fewer customers with a purchase than this: no fit, status insufficient_data. */
  minCustomers: number;
  /** Fewer customers with a repeat purchase (on another day) than this: no fit either. */
  minRepeatCustomers: number;
};

export const modelFitStatuses = ["fitted", "insufficient_data", "failed"] as const;
export type ModelFitStatus = (typeof modelFitStatuses)[number];

/**
 * One fit of the workspace's model per period (the UTC day of its as-of moment): the
 * parameters, the data it saw and how it went. A fit run again within the period replaces
 * the period's row, keeping its id.
 */
export const modelFits = pgTable(
  "model_fits",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    period: date("period", { mode: "string" }).notNull(),
    status: text("status").$type<ModelFitStatus>().notNull(),
    /** Why there is no usable fit, or what to know about this one, in words. */
    message: text("message"),
    /** The failure, when status is failed. */
    error: text("error"),
    fittedAt: ts("fitted_at").notNull(),
    /** Purchases up to this moment were used; T runs to its UTC day. */
    asOf: ts("as_of").notNull(),
    // The settings the fit ran with.
    horizonDays: integer("horizon_days").notNull(),
    clvMonths: integer("clv_months").notNull(),
    monthlyDiscountRate: doublePrecision("monthly_discount_rate").notNull(),
    penalizer: doublePrecision("penalizer").notNull(),
    minCustomers: integer("min_customers").notNull(),
    minRepeatCustomers: integer("min_repeat_customers").notNull(),
    // The data.
    customers: integer("customers").notNull(),
    customersWithRepeat: integer("customers_with_repeat").notNull(),
    customersScored: integer("customers_scored").notNull().default(0),
    /** The purchase model the fit chose by holdout log-likelihood (src/model/purchase-model.ts). */
    purchaseModel: text("purchase_model").$type<PurchaseModelKind>().notNull().default("bgnbd"),
    // BG/NBD (Fader, Hardie & Lee 2005) or Pareto/NBD (r, alpha, s, beta), time in weeks.
    r: doublePrecision("r"),
    alpha: doublePrecision("alpha"),
    a: doublePrecision("a"),
    b: doublePrecision("b"),
    s: doublePrecision("s"),
    beta: doublePrecision("beta"),
    logLikelihood: doublePrecision("log_likelihood"),
    iterations: integer("iterations"),
    converged: boolean("converged"),
    // Gamma-Gamma, in the workspace currency; null when it could not be fitted.
    p: doublePrecision("p"),
    q: doublePrecision("q"),
    gamma: doublePrecision("gamma"),
    gammaGammaLogLikelihood: doublePrecision("gamma_gamma_log_likelihood"),
    /** Both candidates' holdout log-likelihoods, the reason, and the churn recalibration; null before 0023. */
    modelChoice: jsonb("model_choice").$type<ModelChoice>(),
    /** Optimiser time of every fit (the choice's included). */
    fitMs: doublePrecision("fit_ms"),
    /** The whole run: summary query, fits, scoring and writing the scores. */
    runMs: doublePrecision("run_ms"),
    createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("model_fits_period_key").on(t.workspaceId, t.period),
    index("model_fits_latest_idx").on(t.workspaceId, t.status, t.fittedAt),
  ],
);

/**
 * Each customer's model values from the latest fit. Column names are what the rule engine's
 * SQL reads (`m.churn_probability`, `m.clv`, …). x, t_x and t are the BG/NBD summary as of
 * `scored_at`: repeat purchase days, weeks from the first purchase to the last repeat, and
 * weeks from the first purchase to the as-of day (the papers' T). Stored with fillfactor 45
 * (migration 0026; drizzle does not model it) so the daily rewrite is a HOT update.
 */
export const customerModelScores = pgTable(
  "customer_model_scores",
  {
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    fitId: text("fit_id").notNull(),
    scoredAt: ts("scored_at").notNull(),
    x: integer("x").notNull(),
    tX: doublePrecision("t_x").notNull(),
    t: doublePrecision("t").notNull(),
    /** Mean value of the repeat purchases (0 without one). */
    zbar: doublePrecision("zbar").notNull(),
    pAlive: doublePrecision("p_alive").notNull(),
    expectedPurchases90d: doublePrecision("expected_purchases_90d").notNull(),
    /** P(no purchase within the fit's horizon_days). */
    churnProbability: doublePrecision("churn_probability").notNull(),
    // Null when the fit has no usable Gamma-Gamma part.
    expectedOrderValue: doublePrecision("expected_order_value"),
    clv: doublePrecision("clv"),
    valueAtRisk: doublePrecision("value_at_risk"),
    /** The live learned risk model's calibrated P(no purchase within horizon_days); null while the purchase model scores. */
    riskProbability: doublePrecision("risk_probability"),
    riskVersionId: text("risk_version_id"),
    /** The live version's alert line (set by the workspace's alert budget); null with its probability. */
    riskAlertThreshold: doublePrecision("risk_alert_threshold"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId] })],
);

export type ModelFit = typeof modelFits.$inferSelect;
export type CustomerModelScore = typeof customerModelScores.$inferSelect;
