// Storage for what alerts make happen: outbound webhook endpoints and their deliveries
// (every attempt kept), account managers and their tasks, retention campaigns and their
// enrollments, channel opt-outs and manager digests. Every row carries its workspace;
// every effect has a unique key so a job that runs twice writes nothing twice.
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
import type { Tier } from "./scoring-schema.ts";


/** Workspace settings for what alerts make happen (`settings.actions`); defaults in src/workspaces/settings.ts. */
export type ActionSettings = {
  /** Addresses (IPs or CIDRs) webhook endpoints may resolve to although they are private, loopback or link-local. */
  webhookAllowList: string[];
  /** Alerts whose rules ask for a task get one when the customer is in one of these tiers… */
  taskTiers: Tier[];
  /** …or when the alert's value at risk reaches this (null: tier alone decides). */
  taskMinValueAtRisk: number | null;
  /** Hours from a task's creation to its due date, per alert severity. */
  taskSlaHours: { low: number; medium: number; high: number; critical: number };
  /** The market whose send rules campaigns follow; KR marks ads "(광고)", adds the opt-out route and keeps 21:00–08:00 quiet. */
  market: "KR" | "none";
  /** Timezone of customers who have none. */
  defaultTimezone: string;
  /** Local hours with no advertising sends: from `start` (inclusive) to `end` (exclusive). */
  quietHours: { start: number; end: number } | null;
  /** How a customer opts out (a free number or a URL), carried in every advertising message. */
  optOutRoute: string;
  /** Fatigue: at most `count` messages per channel per customer over the last `days`, across all campaigns. */
  channelCaps: Partial<Record<CampaignChannel, { count: number; days: number }>>;
};

// ── Outbound webhooks ──────────────────────────────────────────────────────────────

export const webhookEventTypes = [
  "alert.opened",
  "alert.updated",
  "alert.resolved",
  "campaign.enrollment.created",
  "task.created",
  "task.updated",
  "digest.ready",
  "customer.erased",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    url: text("url").notNull(),
    description: text("description"),
    eventTypes: text("event_types").array().notNull(),
    /** `whsec_…`; shown once at creation, kept because signing needs it. */
    secret: text("secret").notNull(),
    /** The secret a rotation replaced; deliveries are signed with both until `previousSecretExpiresAt`. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    enabled: boolean("enabled").notNull().default(true),
    /** Why the endpoint was switched off (a 410 from the receiver, or a person). */
    disabledReason: text("disabled_reason"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const deliveryStatuses = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One event for one endpoint. Its id is the `webhook-id` header: stable across retries and replays. */
export const deliveries = pgTable(
  "deliveries",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    outboxId: bigint("outbox_id", { mode: "number" }).notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact JSON body sent, fixed at fan-out so every retry signs the same bytes. */
    body: text("body").notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    /** Attempts over the delivery's life (replays included). */
    attempts: integer("attempts").notNull().default(0),
    /** Attempts since creation or the last replay: the retry budget counts these. */
    seriesAttempts: integer("series_attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lastAttemptAt: ts("last_attempt_at"),
    lastResponseCode: integer("last_response_code"),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull(),
    completedAt: ts("completed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("deliveries_outbox_endpoint_key").on(t.workspaceId, t.outboxId, t.endpointId),
    index("deliveries_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("deliveries_list_idx").on(t.workspaceId, t.createdAt),
  ],
);

export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    workspaceId: text("workspace_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: ts("at").notNull(),
    /** succeeded, failed (an answer that is not 2xx, or no answer) or refused (SSRF guard, disabled endpoint). */
    outcome: text("outcome").notNull(),
    responseCode: integer("response_code"),
    latencyMs: doublePrecision("latency_ms").notNull(),
    error: text("error"),
    responseBody: text("response_body"),
  },
  (t) => [
    // Every key leads with workspace_id, so the table can be distributed by it (docs/scaling.md).
    primaryKey({ columns: [t.workspaceId, t.id] }),uniqueIndex("delivery_attempts_key").on(t.workspaceId, t.deliveryId, t.attempt)],
);

// ── Managers and tasks ─────────────────────────────────────────────────────────────

export type DigestPreferences = {
  frequency: "daily" | "weekly" | "off";
  /** Local hour (0–23) in the manager's timezone. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday; weekly digests only. */
  weekday: number;
  /** Send a digest even when nothing is new. */
  sendWhenEmpty: boolean;
};

export const managers = pgTable(
  "managers",
  {
    workspaceId: text("workspace_id").notNull(),
    /** The manager's id in the CRM, as customers' `managerId` names it. */
    id: text("id").notNull(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    timezone: text("timezone").notNull(),
    /** The digest's language; null: the workspace's locale. */
    locale: text("locale").$type<"ko" | "en">(),
    digest: jsonb("digest").$type<DigestPreferences>().notNull(),
    /** Most open tasks at a time; automatic assignment skips a manager at capacity. */
    capacity: integer("capacity").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const taskStatuses = ["open", "in_progress", "done", "dismissed"] as const;
export type TaskStatus = (typeof taskStatuses)[number];
/** How a task got its manager: the customer's own, the least loaded, none free, or reassigned by hand. */
export const taskAssignments = ["assigned", "least_loaded", "unassigned", "manual"] as const;
export type TaskAssignment = (typeof taskAssignments)[number];
export const taskOutcomes = ["retained", "lost", "no_contact"] as const;
export type TaskOutcome = (typeof taskOutcomes)[number];

export const tasks = pgTable(
  "tasks",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    alertId: text("alert_id").notNull(),
    customerId: text("customer_id").notNull(),
    /** Null when no manager had capacity; the task waits to be assigned. */
    managerId: text("manager_id"),
    /** How the manager was chosen: assigned (the customer's own), least_loaded, unassigned, manual. */
    assignment: text("assignment").notNull(),
    ruleId: text("rule_id"),
    status: text("status").$type<TaskStatus>().notNull(),
    outcome: text("outcome").$type<TaskOutcome>(),
    dismissReason: text("dismiss_reason"),
    severity: text("severity").notNull(),
    tier: text("tier"),
    valueAtRisk: doublePrecision("value_at_risk"),
    /** The alert's reasons in words. */
    why: jsonb("why").$type<string[]>().notNull(),
    play: text("play").notNull(),
    dueAt: ts("due_at").notNull(),
    escalatedAt: ts("escalated_at"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    closedAt: ts("closed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("tasks_alert_key").on(t.workspaceId, t.alertId),
    index("tasks_manager_idx").on(t.workspaceId, t.managerId, t.status),
    index("tasks_due_idx").on(t.dueAt).where(sql`status in ('open', 'in_progress') and escalated_at is null`),
  ],
);

// ── Campaigns ──────────────────────────────────────────────────────────────────────

export const campaignChannels = ["push", "in_app", "email", "sms", "webhook"] as const;
export type CampaignChannel = (typeof campaignChannels)[number];

export type CampaignTemplate = { title?: string; body: string };
export type CampaignCoupon = { codes?: string[]; prefix?: string; value: number; kind: "amount" | "percent"; expiresInDays: number };

/** active: alerts enroll customers; paused: nothing is enrolled (starter campaigns begin paused until a marketer enables them). */
export const campaignStatuses = ["active", "paused"] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export const campaigns = pgTable(
  "campaigns",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    /** What rules name in `actions.campaign`. */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    channel: text("channel").$type<CampaignChannel>().notNull(),
    status: text("status").$type<CampaignStatus>().notNull().default("active"),
    template: jsonb("template").$type<CampaignTemplate>().notNull(),
    coupon: jsonb("coupon").$type<CampaignCoupon | null>(),
    /** Rules whose alerts may enroll; empty: any rule that names the campaign. */
    triggerRules: text("trigger_rules").array().notNull(),
    /** Tiers that may be enrolled; empty: every tier. */
    tiers: text("tiers").array().notNull(),
    holdoutPercent: doublePrecision("holdout_percent").notNull(),
    /** At most this many enrollments per customer in this campaign per `capDays`. */
    capCount: integer("cap_count").notNull(),
    capDays: integer("cap_days").notNull(),
    attributionDays: integer("attribution_days").notNull(),
    /** Advertising messages follow the market's send rules (Korea: "(광고)", opt-out route, no night sends). */
    advertising: boolean("advertising").notNull(),
    activeFrom: ts("active_from"),
    activeUntil: ts("active_until"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), uniqueIndex("campaigns_slug_key").on(t.workspaceId, t.slug)],
);

export const enrollmentArms = ["treated", "holdout"] as const;
export type EnrollmentArm = (typeof enrollmentArms)[number];
/** scheduled: waits for its send time (quiet hours); dispatched: handed to delivery; held: holdout, nothing sent. */
export const enrollmentStatuses = ["scheduled", "dispatched", "held", "suppressed"] as const;
export type EnrollmentStatus = (typeof enrollmentStatuses)[number];

export const enrollments = pgTable(
  "enrollments",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    campaignId: text("campaign_id").notNull(),
    customerId: text("customer_id").notNull(),
    alertId: text("alert_id"),
    ruleId: text("rule_id"),
    arm: text("arm").$type<EnrollmentArm>().notNull(),
    status: text("status").$type<EnrollmentStatus>().notNull(),
    suppressedReason: text("suppressed_reason"),
    message: jsonb("message").$type<Record<string, unknown>>(),
    couponCode: text("coupon_code"),
    enrolledAt: ts("enrolled_at").notNull(),
    sendAt: ts("send_at"),
    dispatchedAt: ts("dispatched_at"),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex("enrollments_alert_key").on(t.workspaceId, t.campaignId, t.alertId),
    index("enrollments_customer_idx").on(t.workspaceId, t.customerId, t.enrolledAt),
    index("enrollments_due_idx").on(t.sendAt).where(sql`status = 'scheduled'`),
  ],
);

/** Consent per channel: a row means the customer said no; honoured from the moment it is written. */
export const channelOptOuts = pgTable(
  "channel_opt_outs",
  {
    workspaceId: text("workspace_id").notNull(),
    customerId: text("customer_id").notNull(),
    channel: text("channel").$type<CampaignChannel>().notNull(),
    at: ts("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId, t.channel] })],
);

// ── Digests ────────────────────────────────────────────────────────────────────────

export const digests = pgTable(
  "digests",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    managerId: text("manager_id").notNull(),
    /** The manager's local period, `2026-11-20` (daily) or `2026-W47` (weekly): one digest each. */
    period: text("period").notNull(),
    content: jsonb("content").$type<Record<string, unknown>>().notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    createdAt: ts("created_at").notNull(),
    emailedAt: ts("emailed_at"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), uniqueIndex("digests_period_key").on(t.workspaceId, t.managerId, t.period)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type Manager = typeof managers.$inferSelect;
export type Task = typeof tasks.$inferSelect;
export type Campaign = typeof campaigns.$inferSelect;
export type Enrollment = typeof enrollments.$inferSelect;
