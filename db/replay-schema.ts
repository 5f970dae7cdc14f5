// Storage for replays: the whole pipeline run over a workspace's history in a scratch
// workspace (src/replay). A replay row belongs to the workspace that asked for it; its
// alerts are copied out of the scratch workspace, which is then removed.
import { index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";

export const replayStatuses = ["queued", "running", "succeeded", "failed"] as const;
export type ReplayStatus = (typeof replayStatuses)[number];

export const replays = pgTable(
  "replays",
  {
    workspaceId: text("workspace_id").notNull(),
    id: text("id").notNull(),
    status: text("status").$type<ReplayStatus>().notNull(),
    /** What was asked: from, to, stepDays, snapshots, settings patch, rules. */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    /** The scratch workspace the replay runs in (removed when it ends). */
    scratchWorkspaceId: text("scratch_workspace_id"),
    progress: jsonb("progress").$type<Record<string, unknown> | null>(),
    summary: jsonb("summary").$type<Record<string, unknown> | null>(),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: ts("created_at").notNull(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("replays_created_idx").on(t.workspaceId, t.createdAt)],
);

/** The alerts a replay raised, as its scratch workspace had them. */
export const replayAlerts = pgTable(
  "replay_alerts",
  {
    workspaceId: text("workspace_id").notNull(),
    replayId: text("replay_id").notNull(),
    alertId: text("alert_id").notNull(),
    customerId: text("customer_id").notNull(),
    openedAt: ts("opened_at").notNull(),
    severity: text("severity").notNull(),
    score: integer("score").notNull(),
    tier: text("tier"),
    /** `ruleId@version` of every rule that fired. */
    rules: text("rules").array().notNull(),
    reasons: jsonb("reasons").$type<unknown[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.replayId, t.alertId] }), index("replay_alerts_opened_idx").on(t.workspaceId, t.replayId, t.openedAt)],
);
