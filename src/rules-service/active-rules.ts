// The rules a workspace scores with: the current version of every rule not deleted whose
// mode is live or shadow, parsed and compiled once per process.
//
// Caching: a (workspace, rule, version) never changes — versions are immutable — so its
// compiled form is cached under exactly that key. Every call reads the list of current
// (rule, version) pairs from PostgreSQL (one small indexed query, no definitions), so an
// edit, rollback, mode switch or delete made by any process is seen at the next call; only
// versions not compiled yet are fetched and compiled.
import type { Database } from "../../db/client.ts";
import {
  compileRule,
  compileRuleToSql,
  ruleDefinitionSchema,
  type CompiledSql,
  type RuleDefinition,
  type RulePredicate,
} from "../../rules/index.ts";
import type { Logger } from "../log.ts";

export type ActiveRule = {
  id: string;
  version: number;
  definition: RuleDefinition;
  /** JS evaluation with a trace: compileRule(definition.conditions). */
  predicate: RulePredicate;
  /** The same conditions as SQL over f, t, m with parameters from $1: compileRuleToSql(definition.conditions). */
  sql: CompiledSql;
};

const maxCompiled = 10_000;
const maxWorkspaces = 2_000;
/** `workspace \0 rule @ version` → compiled rule, or null when the stored version no longer validates. */
const compiled = new Map<string, ActiveRule | null>();
/** workspace → the last list handed out, reused while the (rule, version) list is the same. */
const lists = new Map<string, { key: string; rules: ActiveRule[] }>();

const versionKey = (workspaceId: string, id: string, version: number) => `${workspaceId}\u0000${id}@${version}`;

function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  // Maps iterate in insertion order: the first key is the least recently stored.
  if (map.size > max) map.delete(map.keys().next().value as K);
}

export async function loadActiveRules(deps: { database: Database; log?: Logger }, workspaceId: string): Promise<ActiveRule[]> {
  const sql = deps.database.sql;
  const current = await sql<{ id: string; version: number }[]>`
    select r.id, r.current_version as version
    from rules r
    join rule_versions v on v.workspace_id = r.workspace_id and v.rule_id = r.id and v.version = r.current_version
    where r.workspace_id = ${workspaceId} and r.deleted_at is null and v.definition ->> 'mode' in ('live', 'shadow')
    order by r.id`;
  const key = current.map((r) => `${r.id}@${r.version}`).join(",");
  const hit = lists.get(workspaceId);
  if (hit && hit.key === key) return hit.rules;

  const missing = current.filter((r) => !compiled.has(versionKey(workspaceId, r.id, r.version)));
  if (missing.length > 0) {
    const rows = await sql<{ id: string; version: number; definition: unknown }[]>`
      select v.rule_id as id, v.version, v.definition
      from rule_versions v
      join unnest(${missing.map((r) => r.id)}::text[], ${missing.map((r) => r.version)}::int[]) as m(id, version)
        on m.id = v.rule_id and m.version = v.version
      where v.workspace_id = ${workspaceId}`;
    for (const row of rows) remember(compiled, versionKey(workspaceId, row.id, row.version), compile(row, deps.log, workspaceId), maxCompiled);
  }
  const rules = current.flatMap((r) => compiled.get(versionKey(workspaceId, r.id, r.version)) ?? []);
  // Versions are written before the pointer moves, so every one is found; if one were not,
  // the list is not remembered and the next call looks again.
  if (current.every((r) => compiled.has(versionKey(workspaceId, r.id, r.version)))) remember(lists, workspaceId, { key, rules }, maxWorkspaces);
  return rules;
}

// A stored version that no longer validates (a fact left the catalogue) is skipped, not
// fatal: one broken rule must not stop a workspace's scoring. It is logged once per process.
function compile(row: { id: string; version: number; definition: unknown }, log: Logger | undefined, workspaceId: string): ActiveRule | null {
  const parsed = ruleDefinitionSchema.safeParse(row.definition);
  if (!parsed.success) {
    log?.error("stored rule no longer validates; skipped in scoring", { workspaceId, ruleId: row.id, version: row.version, issues: parsed.error.issues });
    return null;
  }
  const definition = parsed.data;
  return {
    id: row.id,
    version: row.version,
    definition,
    predicate: compileRule(definition.conditions),
    sql: compileRuleToSql(definition.conditions),
  };
}

/** For tests: forget every compiled rule. */
export function clearActiveRulesCache() {
  compiled.clear();
  lists.clear();
}
