// Who changed what, when: one row per change to configuration (rules) and per deletion of
// data (erasure, consent withdrawal, retention), written in the same transaction as the change
// itself, every one through recordAudit and in the shape auditDetailSchema describes. Read
// newest first with an opaque cursor.
import { and, desc, eq, sql } from "drizzle-orm";
import type postgres from "postgres";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.ts";
import { auditLog } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { instant } from "../input/instant.ts";
import { ruleActionsSchema, ruleModes } from "../../rules/definition.ts";
import { consentBases } from "../signals/schema.ts";

/** The actor of changes the service makes by itself (the default rule pack, say). */
export const systemActor = "system";

// A rule field's value in a change: name, severity, mode (text), points, cooldownDays (numbers), tiers (a list), actions.
const changedValue = z.union([z.string(), z.number(), z.array(z.string()), ruleActionsSchema, z.null()]);

/** What an audit entry records beside who, what and when; each action fills the fields it concerns. */
export const auditDetailSchema = z
  .strictObject({
    version: z.number().int().optional().describe("The rule's version after the change (rule.deleted: the last one)"),
    previousVersion: z.number().int().optional().describe("rule.updated, rule.mode_changed, rule.rolled_back: the version before"),
    restoredVersion: z.number().int().optional().describe("rule.rolled_back: the version whose definition the new version copies"),
    name: z.string().optional().describe("rule.created: the rule's name"),
    mode: z.enum(ruleModes).optional().describe("rule.created: the mode it started in"),
    source: z.string().optional().describe('rule.created by the service itself: "default pack"'),
    changes: z
      .array(
        z.strictObject({
          field: z.string().describe("A field of the rule definition: name, description, conditions, tiers, points, severity, cooldownDays, actions, mode"),
          // Conditions and descriptions can be long: only the field is named; the versions hold them.
          from: changedValue.optional().describe("The value before (absent for conditions and description)"),
          to: changedValue.optional().describe("The value after (absent for conditions and description)"),
        }),
      )
      .optional()
      .describe("rule.updated, rule.mode_changed, rule.rolled_back: the fields that changed"),
    signals: z.number().int().optional().describe("signals.expired, evidence.expired, consent.withdrawn: how many signals went"),
    customers: z
      .number()
      .int()
      .optional()
      .describe("signals.expired by row deletes, evidence.expired, consent.withdrawn: how many customers those signals belonged to"),
    month: z
      .string()
      .regex(/^[0-9]{4}-[0-9]{2}$/)
      .optional()
      .describe("signals.expired by a month dropped whole: the month (YYYY-MM, UTC) whose signals went"),
    before: z.iso.datetime().optional().describe("signals.expired by row deletes: the signals that occurred before this instant went"),
    days: z.number().int().optional().describe("signals.expired by row deletes: the workspace's signalRetentionDays"),
    retention: z
      .record(z.string(), z.number().int())
      .optional()
      .describe("evidence.expired: the workspace's evidenceRetentionDays (days per provider, `default` for the others)"),
    consentBasis: z.enum(consentBases).nullable().optional().describe("consent.withdrawn: the consent basis withdrawn; null: every basis"),
    customer: z
      .string()
      .nullable()
      .optional()
      .describe("consent.withdrawn: the customer named, as the erasure key (a SHA-256 of workspace and id, no personal data); null: every customer"),
    rows: z.record(z.string(), z.number().int()).optional().describe("customer.erased: the rows removed, per table"),
  })
  .meta({ id: "AuditDetail" });
export type AuditDetail = z.infer<typeof auditDetailSchema>;

export type AuditEntry = {
  workspaceId: string;
  at: Date;
  /** The API key id, `system`, or `retention` (the retention jobs). */
  actor: string;
  /**
   * `<entity>.<verb>`: rule.created, rule.updated, rule.mode_changed, rule.rolled_back,
   * rule.deleted, customer.erased, consent.withdrawn, signals.expired, evidence.expired.
   */
  action: string;
  entityType: string;
  entityId: string;
  detail: AuditDetail;
};

/** A postgres.js handle: the pool, or a transaction of the set-based code's own. */
type SqlOrTx = postgres.Sql | postgres.TransactionSql;

/**
 * Writes the entries in one statement, in the caller's transaction: a drizzle handle (rules)
 * or a postgres.js one (erasure, consent, retention). Each detail is checked against
 * auditDetailSchema first: one it does not describe throws and nothing is written, so GET
 * /v1/audit never answers a field its description leaves out.
 */
export async function recordAudit(db: DbOrTx | SqlOrTx, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (rows.length === 0) return;
  for (const e of rows) auditDetailSchema.parse(e.detail);
  // postgres.js handles are tagged-template functions; drizzle's are objects.
  if (typeof db !== "function") {
    await db.insert(auditLog).values(rows.map((e) => ({ ...e })));
    return;
  }
  const records = rows.map((e) => ({
    workspace_id: e.workspaceId,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    detail: e.detail,
  }));
  await db`
    insert into audit_log (workspace_id, at, actor, action, entity_type, entity_id, detail)
    select r.workspace_id, r.at, r.actor, r.action, r.entity_type, r.entity_id, r.detail
    from jsonb_to_recordset(${db.json(records as never)}) as r(workspace_id text, at timestamptz, actor text, action text, entity_type text, entity_id text, detail jsonb)`;
}

export const auditListQuerySchema = z.object({
  entityType: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

const cursorSchema = z.object({ t: instant, id: z.number().int().nonnegative() });


/** Newest first; ties on the time broken by id, so pages never overlap or skip. */
export async function listAudit(deps: Pick<Deps, "database">, input: { workspaceId: string } & z.infer<typeof auditListQuerySchema>) {
  const after = decodeCursor(cursorSchema, input.cursor);
  const rows = await deps.database.db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.workspaceId, input.workspaceId),
        input.entityType ? eq(auditLog.entityType, input.entityType) : undefined,
        input.entityId ? eq(auditLog.entityId, input.entityId) : undefined,
        input.action ? eq(auditLog.action, input.action) : undefined,
        // Dates go through drizzle's pool as ISO text: its date serializers are pass-throughs.
        after ? sql`(${auditLog.at}, ${auditLog.id}) < (${after.t}::timestamptz, ${after.id}::bigint)` : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      detail: r.detail,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ t: last.at.toISOString(), id: last.id }) : null,
  };
}
