// Who changed what, when: one row per change to configuration (rules today), written in the
// same transaction as the change itself. Read newest first with an opaque cursor.
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.ts";
import { auditLog } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { instant } from "../input/instant.ts";
import { ruleActionsSchema, ruleModes } from "../../rules/definition.ts";

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
  })
  .meta({ id: "AuditDetail" });
export type AuditDetail = z.infer<typeof auditDetailSchema>;

export type AuditEntry = {
  workspaceId: string;
  at: Date;
  /** The API key id, or `system`. */
  actor: string;
  /** `<entity>.<verb>`, e.g. rule.created, rule.rolled_back. */
  action: string;
  entityType: string;
  entityId: string;
  detail: AuditDetail;
};

export async function recordAudit(db: DbOrTx, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (rows.length === 0) return;
  await db.insert(auditLog).values(rows.map((e) => ({ ...e })));
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
