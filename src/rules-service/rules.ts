// Rules as versioned data. Every change — an edit, a mode switch, a rollback — adds a
// version (history is linear: a rollback copies the old definition into a new version),
// moves `rules.current_version` and writes an audit entry, in one transaction under a lock
// on the rule's row. Versions are never changed or removed: scores and alerts name the
// `rule@version` that fired, and it must stay readable. Deleting is soft.
import { and, asc, eq, isNull } from "drizzle-orm";
import type { DbOrTx, Tx } from "../../db/client.ts";
import { ruleVersions, rules } from "../../db/scoring-schema.ts";
import { campaigns } from "../../db/actions-schema.ts";
import { ruleDefinitionSchema, type RuleDefinition } from "../../rules/index.ts";
import { recordAudit, type AuditDetail } from "../audit/audit.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound, zodIssuesToFieldErrors } from "../errors.ts";
import { reservedRuleIds, type RuleCreate, type RulePatch } from "./schemas.ts";

type RuleRow = typeof rules.$inferSelect;
type VersionListRow = {
  version: number;
  created_at: Date;
  created_by: string | null;
  name: string;
  mode: string;
  action: string | null;
  restored_version: number | null;
};
type Ctx = Pick<Deps, "database" | "clock">;
type Scope = { workspaceId: string; ruleId: string };

export type RuleView = {
  id: string;
  currentVersion: number;
  mode: RuleDefinition["mode"];
  name: string;
  definition: RuleDefinition;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
};

export type RuleChange = { rule: RuleView; changed: boolean };

const view = (row: RuleRow, definition: RuleDefinition): RuleView => ({
  id: row.id,
  currentVersion: row.currentVersion,
  mode: definition.mode,
  name: definition.name,
  definition,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  deletedAt: row.deletedAt?.toISOString() ?? null,
});

// Stored definitions were valid when saved; they are shown as saved, even if the catalogue
// has since dropped a fact (the scorer skips such a rule; an edit must fix it).
const stored = (definition: Record<string, unknown>) => definition as RuleDefinition;

// ---------------------------------------------------------------------------------------
// Reading

/** The workspace's rules at their current versions, by id. */
export async function listRules(deps: Pick<Deps, "database">, input: { workspaceId: string; includeDeleted?: boolean }) {
  const rows = await deps.database.db
    .select({ rule: rules, definition: ruleVersions.definition })
    .from(rules)
    .innerJoin(
      ruleVersions,
      and(eq(ruleVersions.workspaceId, rules.workspaceId), eq(ruleVersions.ruleId, rules.id), eq(ruleVersions.version, rules.currentVersion)),
    )
    .where(and(eq(rules.workspaceId, input.workspaceId), input.includeDeleted ? undefined : isNull(rules.deletedAt)))
    .orderBy(asc(rules.id));
  return { rules: rows.map((r) => view(r.rule, stored(r.definition))) };
}

/** A rule (deleted ones too: their history stays readable) with the list of its versions. */
export async function getRule(deps: Pick<Deps, "database">, input: Scope) {
  const db = deps.database.db;
  const row = await findRule(db, input);
  // How each version came about comes from the audit entry written with it.
  const versions = await deps.database.sql<VersionListRow[]>`
    select v.version, v.created_at, v.created_by, v.definition ->> 'name' as name, v.definition ->> 'mode' as mode,
      a.action, (a.detail ->> 'restoredVersion')::int as restored_version
    from rule_versions v
    left join lateral (
      select a.action, a.detail from audit_log a
      where a.workspace_id = v.workspace_id and a.entity_type = 'rule' and a.entity_id = v.rule_id
        and a.detail ->> 'version' = v.version::text
      order by a.id limit 1
    ) a on true
    where v.workspace_id = ${input.workspaceId} and v.rule_id = ${input.ruleId}
    order by v.version`;
  const current = await readVersion(db, { ...input, version: row.currentVersion });
  return {
    ...view(row, stored(current.definition)),
    versions: versions.map((v) => ({
      version: v.version,
      current: v.version === row.currentVersion,
      name: v.name,
      mode: v.mode,
      action: v.action,
      ...(v.restored_version !== null ? { restoredVersion: v.restored_version } : {}),
      createdBy: v.created_by,
      createdAt: v.created_at.toISOString(),
    })),
  };
}

export async function getRuleVersion(deps: Pick<Deps, "database">, input: Scope & { version: number }) {
  const db = deps.database.db;
  const row = await findRule(db, input);
  const v = await readVersion(db, input);
  return {
    ruleId: input.ruleId,
    version: v.version,
    current: v.version === row.currentVersion,
    definition: stored(v.definition),
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
  };
}

/** One version's definition, parsed against today's catalogue (for dry runs and backtests). */
export async function loadRuleDefinition(deps: Pick<Deps, "database">, input: Scope & { version?: number }) {
  const db = deps.database.db;
  const row = await findRule(db, input);
  const version = input.version ?? row.currentVersion;
  const v = await readVersion(db, { ...input, version });
  return { ruleId: row.id, version, definition: parseStored(v.definition, input.ruleId, version) };
}

async function findRule(db: DbOrTx, input: Scope, opts: { lock?: boolean; live?: boolean } = {}): Promise<RuleRow> {
  const q = db
    .select()
    .from(rules)
    .where(and(eq(rules.workspaceId, input.workspaceId), eq(rules.id, input.ruleId)));
  const [row] = opts.lock ? await q.for("update") : await q;
  if (!row) throw notFound("rule", input.ruleId);
  if (opts.live && row.deletedAt) throw new AppError("not_found", `rule ${input.ruleId} was deleted`);
  return row;
}

async function readVersion(db: DbOrTx, input: Scope & { version: number }) {
  const [v] = await db
    .select()
    .from(ruleVersions)
    .where(and(eq(ruleVersions.workspaceId, input.workspaceId), eq(ruleVersions.ruleId, input.ruleId), eq(ruleVersions.version, input.version)));
  if (!v) throw new AppError("not_found", `rule ${input.ruleId} has no version ${input.version}`);
  return v;
}

function parseStored(definition: unknown, ruleId: string, version: number): RuleDefinition {
  const r = ruleDefinitionSchema.safeParse(definition);
  if (r.success) return r.data;
  throw new AppError(
    "validation_failed",
    `rule ${ruleId} version ${version} no longer validates against the fact catalogue; save a corrected version`,
    zodIssuesToFieldErrors(r.error.issues),
  );
}

// ---------------------------------------------------------------------------------------
// Writing

/** Creates a rule as version 1. The id is the one sent, or a slug of the name. */
export async function createRule(deps: Ctx, input: { workspaceId: string; actor: string; rule: RuleCreate }): Promise<RuleView> {
  const { id: requested, ...definition } = input.rule;
  const now = deps.clock();
  return deps.database.db.transaction(async (tx) => {
    let row: RuleRow | undefined;
    for (const id of requested ? [requested] : slugCandidates(definition.name)) {
      [row] = await tx
        .insert(rules)
        .values({ workspaceId: input.workspaceId, id, currentVersion: 1, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (row) break;
    }
    if (!row) {
      throw requested
        ? new AppError("conflict", `rule ${requested} already exists (deleted rules keep their id); choose another id or edit it`)
        : new AppError("conflict", "no free id could be made from the name; send an id");
    }
    await requireKnownCampaign(tx, input.workspaceId, definition);
    await tx.insert(ruleVersions).values({ workspaceId: input.workspaceId, ruleId: row.id, version: 1, definition, createdBy: input.actor, createdAt: now });
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      at: now,
      actor: input.actor,
      action: "rule.created",
      entityType: "rule",
      entityId: row.id,
      detail: { version: 1, name: definition.name, mode: definition.mode },
    });
    return view(row, definition);
  });
}

/** Replaces the definition (PUT). Sending the current definition again changes nothing. */
export async function updateRule(deps: Ctx, input: Scope & { actor: string; definition: RuleDefinition; expectedVersion?: number }) {
  return change(deps, input, async () => ({ definition: input.definition, action: null }));
}

/** Changes some fields (PATCH), e.g. `{ mode: "live" }`; the merged definition is checked again. */
export async function patchRule(deps: Ctx, input: Scope & { actor: string; patch: RulePatch; expectedVersion?: number }) {
  return change(deps, input, async (current) => {
    const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined));
    const merged = ruleDefinitionSchema.safeParse({ ...current, ...patch });
    if (!merged.success) throw new AppError("validation_failed", "the rule is not valid after the change", zodIssuesToFieldErrors(merged.error.issues));
    return { definition: merged.data, action: null };
  });
}

/** Makes an old version's definition current again, as a new version (history stays linear). */
export async function rollbackRule(deps: Ctx, input: Scope & { actor: string; version: number; expectedVersion?: number }) {
  return change(deps, input, async (_current, tx) => {
    const target = await readVersion(tx, { ...input, version: input.version });
    return {
      definition: parseStored(target.definition, input.ruleId, input.version),
      action: "rule.rolled_back",
      detail: { restoredVersion: input.version },
    };
  });
}

/** Soft delete: the rule stops scoring; its versions and audit trail stay. */
export async function deleteRule(deps: Ctx, input: Scope & { actor: string }): Promise<void> {
  const now = deps.clock();
  await deps.database.db.transaction(async (tx) => {
    const row = await findRule(tx, input, { lock: true, live: true });
    await tx
      .update(rules)
      .set({ deletedAt: now, updatedAt: now })
      .where(and(eq(rules.workspaceId, input.workspaceId), eq(rules.id, input.ruleId)));
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      at: now,
      actor: input.actor,
      action: "rule.deleted",
      entityType: "rule",
      entityId: input.ruleId,
      detail: { version: row.currentVersion },
    });
  });
}

type Next = { definition: RuleDefinition; action: string | null; detail?: Record<string, unknown> };

// The one path every change takes: lock, compute the next definition, and when it differs
// from the current one write the version, move the pointer and record the audit entry.
async function change(
  deps: Ctx,
  input: Scope & { actor: string; expectedVersion?: number },
  next: (current: RuleDefinition, tx: Tx) => Promise<Next>,
): Promise<RuleChange> {
  const now = deps.clock();
  return deps.database.db.transaction(async (tx) => {
    const row = await findRule(tx, input, { lock: true, live: true });
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.currentVersion) {
      throw new AppError(
        "conflict",
        `rule ${input.ruleId} is at version ${row.currentVersion}, not ${input.expectedVersion}: someone changed it; read it again and reapply your change`,
      );
    }
    const current = stored((await readVersion(tx, { ...input, version: row.currentVersion })).definition);
    const { definition, action, detail } = await next(current, tx);
    if (canonicalJson(definition) === canonicalJson(current)) return { rule: view(row, current), changed: false };
    await requireKnownCampaign(tx, input.workspaceId, definition);

    const version = row.currentVersion + 1;
    const changes = diffDefinitions(current, definition);
    await tx.insert(ruleVersions).values({ workspaceId: input.workspaceId, ruleId: input.ruleId, version, definition, createdBy: input.actor, createdAt: now });
    const [updated] = await tx
      .update(rules)
      .set({ currentVersion: version, updatedAt: now })
      .where(and(eq(rules.workspaceId, input.workspaceId), eq(rules.id, input.ruleId)))
      .returning();
    const onlyMode = changes.length === 1 && changes[0]!.field === "mode";
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      at: now,
      actor: input.actor,
      action: action ?? (onlyMode ? "rule.mode_changed" : "rule.updated"),
      entityType: "rule",
      entityId: input.ruleId,
      detail: { version, previousVersion: row.currentVersion, ...detail, changes },
    });
    return { rule: view(updated!, definition), changed: true };
  });
}

// ---------------------------------------------------------------------------------------
// Helpers

/** Nothing refers to what does not exist: a rule's campaign must be one of the workspace's (by slug). */
async function requireKnownCampaign(tx: Tx, workspaceId: string, definition: RuleDefinition): Promise<void> {
  const slug = definition.actions.campaign;
  if (!slug) return;
  const [found] = await tx
    .select({ slug: campaigns.slug })
    .from(campaigns)
    .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.slug, slug)));
  if (found) return;
  const known = (await tx.select({ slug: campaigns.slug }).from(campaigns).where(eq(campaigns.workspaceId, workspaceId)).orderBy(asc(campaigns.slug))).map((c) => c.slug);
  throw new AppError("validation_failed", `the rule asks for campaign ${slug}, which this workspace does not have`, [
    {
      path: "actions.campaign",
      message: `unknown campaign "${slug}"; create it first (POST /v1/campaigns) or use one of: ${known.length ? known.join(", ") : "(none yet)"}`,
    },
  ]);
}

/** A diff-ish summary for the audit log: which fields changed, with both values when short. */
export function diffDefinitions(before: RuleDefinition, after: RuleDefinition) {
  const fields = ["name", "description", "conditions", "tiers", "points", "severity", "cooldownDays", "actions", "mode"] as const;
  const out: NonNullable<AuditDetail["changes"]> = [];
  type Value = NonNullable<AuditDetail["changes"]>[number]["from"];
  for (const field of fields) {
    const a = before[field];
    const b = after[field];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    // Conditions and descriptions can be long; the versions hold them in full.
    out.push(field === "conditions" || field === "description" ? { field } : { field, from: (a ?? null) as Value, to: (b ?? null) as Value });
  }
  return out;
}

/** JSON with object keys sorted: jsonb reorders keys, so stored and sent definitions compare by this. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** `VIP shopping at competitors` → vip-shopping-at-competitors, then -2 … -9, then a random suffix. */
export function slugCandidates(name: string): string[] {
  let base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 54)
    .replace(/-+$/, "");
  if (!base) base = "rule";
  if ((reservedRuleIds as readonly string[]).includes(base)) base = `${base}-rule`;
  const random = Math.random().toString(36).slice(2, 8);
  return [base, ...Array.from({ length: 8 }, (_, i) => `${base}-${i + 2}`), `${base}-${random}`];
}
