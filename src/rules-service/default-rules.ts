// Every new workspace starts with the default rule pack as version 1 of each rule.
import type { DbOrTx } from "../../db/client.ts";
import { ruleVersions, rules } from "../../db/scoring-schema.ts";
import { defaultRulePack, packRuleSchema } from "../../rules/index.ts";
import { recordAudit, systemActor } from "../audit/audit.ts";

/**
 * Installs the pack inside the caller's transaction. Idempotent: a rule the workspace
 * already has (or had: deleted rules keep their id) is left as it is, so running it again,
 * or after a new pack rule ships, only adds what is missing.
 */
export async function installDefaultRules(db: DbOrTx, input: { workspaceId: string; now: Date }): Promise<number> {
  // Parsed, so a stored version has every default filled in, like one saved through the API.
  const pack = defaultRulePack.map((r) => packRuleSchema.parse(r));
  const installed = await db
    .insert(rules)
    .values(pack.map((r) => ({ workspaceId: input.workspaceId, id: r.id, currentVersion: 1, createdAt: input.now, updatedAt: input.now })))
    .onConflictDoNothing()
    .returning({ id: rules.id });
  const ids = new Set(installed.map((r) => r.id));
  const fresh = pack.filter((r) => ids.has(r.id));
  if (fresh.length === 0) return 0;
  await db.insert(ruleVersions).values(
    fresh.map(({ id, ...definition }) => ({ workspaceId: input.workspaceId, ruleId: id, version: 1, definition, createdBy: systemActor, createdAt: input.now })),
  );
  await recordAudit(
    db,
    fresh.map((r) => ({
      workspaceId: input.workspaceId,
      at: input.now,
      actor: systemActor,
      action: "rule.created",
      entityType: "rule",
      entityId: r.id,
      detail: { version: 1, name: r.name, mode: r.mode, source: "default pack" },
    })),
  );
  return fresh.length;
}
