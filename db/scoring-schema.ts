// Storage for churn-risk scoring: tiers, rules (versioned), scores, alerts, the outbox
// the actions issue drains, and the audit log.
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
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


import { tierNames, type TierName } from "../rules/vocabulary.ts";

export { tierNames };
export type Tier = TierName;
/** Bronze = 1 … Diamond = 5; rules compare tiers by rank. */
export const tierRank = (tier: Tier) => tierNames.indexOf(tier) + 1;

/**
 * Customers whose picture may have changed and who wait to be refreshed (features, tier,
 * model, score). Written in the transaction that stores their signals, so a lost queue
 * message loses nothing: the row stays until a refresh has covered it. A log, not one row
 * per customer: ingest only appends (an upsert per customer cost several times a plain
 * insert), and the refresh removes exactly the rows it read.
 */
export const refreshRequests = pgTable(
  "refresh_requests",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    requestedAt: ts("requested_at").notNull(),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),
  ],
);

/** Each customer's current tier and the score parts behind it. */
export const customerTiers = pgTable(
  "customer_tiers",
  {
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    tier: text("tier").$type<Tier>().notNull(),
    tierRank: integer("tier_rank").notNull(),
    tierScore: doublePrecision("tier_score").notNull(),
    parts: jsonb("parts").$type<Record<string, number>>().notNull(),
    since: ts("since").notNull(),
    evaluatedAt: ts("evaluated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId] }), index("customer_tiers_score_idx").on(t.workspaceId, t.tierScore)],
);

/** Every change of tier with its reason, so the tier as of any date can be reproduced. */
export const tierHistory = pgTable(
  "tier_history",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    fromTier: text("from_tier").$type<Tier>(),
    toTier: text("to_tier").$type<Tier>().notNull(),
    tierScore: doublePrecision("tier_score").notNull(),
    parts: jsonb("parts").$type<Record<string, number>>().notNull(),
    reason: text("reason").notNull(),
    changedAt: ts("changed_at").notNull(),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),index("tier_history_customer_idx").on(t.workspaceId, t.customerId, t.changedAt)],
);

export const rules = pgTable(
  "rules",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    /** The version in force; an edit adds a version and moves this, a rollback moves it back. */
    currentVersion: integer("current_version").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    deletedAt: ts("deleted_at"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** Immutable: every version of every rule, as the RuleDefinition JSON it was saved with. */
export const ruleVersions = pgTable(
  "rule_versions",
  {
    workspaceId: text("workspace_id").notNull(),
    ruleId: text("rule_id").notNull(),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<Record<string, unknown>>().notNull(),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.ruleId, t.version] })],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    at: ts("at").notNull(),
    /** The API key id (or `system`) that made the change. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),index("audit_log_workspace_idx").on(t.workspaceId, t.at)],
);

export type ScoreReason = {
  ruleId: string;
  version: number;
  name: string;
  points: number;
  severity: string;
  mode: string;
  sentences: string[];
};

/**
 * Every score a customer had, with its reasons. `asOf` is the moment the customer was
 * evaluated at (the features' moment for a refresh, the pass's for the daily re-score), so
 * a job run twice for the same moment writes nothing the second time.
 */
export const scores = pgTable(
  "scores",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    asOf: ts("as_of").notNull(),
    scoredAt: ts("scored_at").notNull(),
    score: integer("score").notNull(),
    rulePoints: integer("rule_points").notNull(),
    modelPoints: integer("model_points").notNull(),
    tier: text("tier").$type<Tier>(),
    reasons: jsonb("reasons").$type<ScoreReason[]>().notNull(),
    /** Shadow rules that matched: recorded, raising nothing. */
    shadowHits: jsonb("shadow_hits").$type<ScoreReason[]>().notNull().default(sql`'[]'::jsonb`),
    model: jsonb("model").$type<Record<string, unknown> | null>(),
    /** `ruleId@version` of every rule behind the score, sorted: tells whether a new score differs. */
    signature: text("signature").notNull(),
    /** Newest signal behind the features scored; a new signal always makes a new score. */
    watermark: ts("watermark"),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("scores_customer_asof_key").on(t.workspaceId, t.customerId, t.asOf),
    index("scores_customer_time_idx").on(t.workspaceId, t.customerId, t.scoredAt),
  ],
);

/**
 * Each customer's current score: the newest-evaluated row of `scores`, kept beside it in the
 * same transaction so scoring compares against it by a join instead of searching the history.
 */
export const customerScores = pgTable(
  "customer_scores",
  {
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    scoreId: bigint("score_id", { mode: "number" }).notNull(),
    asOf: ts("as_of").notNull(),
    score: integer("score").notNull(),
    signature: text("signature").notNull(),
    watermark: ts("watermark"),
    /**
     * A digest of what the score shows (points, tier, reasons and their values, shadow hits,
     * model values): a refresh that changes none of it only moves `watermark` forward.
     */
    digest: text("digest"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId] })],
);

export const alertStatuses = ["open", "acknowledged", "snoozed", "resolved"] as const;
export const alertLabels = ["real_risk", "false_alarm", "saved", "lost"] as const;
export type AlertLabel = (typeof alertLabels)[number];
export type AlertStatus = (typeof alertStatuses)[number];
export const severities = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof severities)[number];

export const alerts = pgTable(
  "alerts",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    customerId: text("customer_id").notNull(),
    status: text("status").$type<AlertStatus>().notNull(),
    severity: text("severity").$type<Severity>().notNull(),
    score: integer("score").notNull(),
    tier: text("tier").$type<Tier>(),
    valueAtRisk: doublePrecision("value_at_risk"),
    reasons: jsonb("reasons").$type<ScoreReason[]>().notNull(),
    /** `ruleId@version` of every rule that fired, over the alert's life. */
    ruleVersions: text("rule_versions").array().notNull(),
    scoreId: integer("score_id").notNull(),
    openedAt: ts("opened_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    snoozedUntil: ts("snoozed_until"),
    resolvedAt: ts("resolved_at"),
    /** No new alert for this customer before this time (set on resolve). */
    cooldownUntil: ts("cooldown_until"),
    cooldownDays: integer("cooldown_days").notNull(),
    /** Held out from actions (no campaign, no task) so acting can be compared with not acting. */
    holdout: boolean("holdout").notNull().default(false),
    /** A manager's verdict: real_risk, false_alarm, saved, lost. */
    label: text("label").$type<AlertLabel>(),
    labeledAt: ts("labeled_at"),
    labeledBy: text("labeled_by"),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    // One alert per customer that is not resolved.
    uniqueIndex("alerts_one_active_key").on(t.workspaceId, t.customerId).where(sql`status <> 'resolved'`),
    index("alerts_list_idx").on(t.workspaceId, t.status, t.openedAt),
    // A customer's resolved alerts, read when another would open (cooldown, risk episode).
    index("alerts_resolved_customer_idx").on(t.workspaceId, t.customerId, t.openedAt).where(sql`status = 'resolved'`),
  ],
);

/** Who changed an alert, when and how; a later rule match is an `updated` event. */
export const alertEvents = pgTable(
  "alert_events",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    alertId: text("alert_id").notNull(),
    at: ts("at").notNull(),
    actor: text("actor").notNull(),
    type: text("type").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),index("alert_events_alert_idx").on(t.workspaceId, t.alertId, t.at)],
);

/** Side effects to perform, written in the same transaction as the alert that asks for them. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    /** Unique per effect, so writing it twice is a no-op. */
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    alertId: text("alert_id"),
    customerId: text("customer_id"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: ts("created_at").notNull(),
    processedAt: ts("processed_at"),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("outbox_key").on(t.workspaceId, t.key),
    index("outbox_pending_idx").on(t.createdAt).where(sql`processed_at is null`),
    // An alert's campaign requests, to show what became of each (src/campaigns/alert-campaigns.ts).
    index("outbox_campaign_enroll_idx").on(t.workspaceId, t.alertId).where(sql`kind = 'campaign.enroll'`),
  ],
);
