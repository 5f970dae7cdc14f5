// The rules a workspace scores with: the current version of every rule not deleted,
// compiled once. The cache key is the list of (rule, version) read from PostgreSQL on
// every call, so an edit made by another process is picked up at the next score.
import { compileRule, ruleDefinitionSchema } from "../../rules/index.ts";
import type { Deps } from "../deps.ts";
import type { ActiveRule } from "./compute.ts";

const cache = new Map<string, { key: string; rules: ActiveRule[] }>();

export async function loadActiveRules(deps: Deps, workspaceId: string): Promise<ActiveRule[]> {
  const rows = await deps.database.sql<{ id: string; version: number; definition: unknown }[]>`
    select r.id, v.version, v.definition from rules r
    join rule_versions v on v.workspace_id = r.workspace_id and v.rule_id = r.id and v.version = r.current_version
    where r.workspace_id = ${workspaceId} and r.deleted_at is null
    order by r.id`;
  const key = rows.map((r) => `${r.id}@${r.version}`).join(",");
  const hit = cache.get(workspaceId);
  if (hit && hit.key === key) return hit.rules;
  const rules = rows.map((r) => {
    const definition = ruleDefinitionSchema.parse(r.definition);
    return { id: r.id, version: r.version, definition, predicate: compileRule(definition.conditions) };
  });
  cache.set(workspaceId, { key, rules });
  return rules;
}
