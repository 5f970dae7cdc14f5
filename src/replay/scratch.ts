// The workspace a replay runs in: a scratch workspace, marked so the live scheduler, sweeps
// and outbox drain leave it alone, with no API key, set up like the workspace it stands for
// (its settings and rules, versions kept) or like a new one (the default pack), then with the
// settings patch and the rules the caller gives. Removed when the replay has its results.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { identityGenerations, workspaces } from "../../db/schema.ts";
import { ruleVersions, rules } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, zodIssuesToFieldErrors } from "../errors.ts";
import { newId } from "../ids.ts";
import { installDefaultRules } from "../rules-service/default-rules.ts";
import { createRule } from "../rules-service/rules.ts";
import { ruleCreateSchema } from "../rules-service/schemas.ts";
import { defaultWorkspaceSettings, workspaceSettingsPatchSchema } from "../workspaces/settings.ts";
import { getWorkspace, updateWorkspaceSettings } from "../workspaces/workspaces.ts";

/** A rules file or a request's `rules`: the rules the replay runs instead of the workspace's. */
export const replayRulesSchema = z.array(ruleCreateSchema).min(1).max(200);
export type ReplayRules = z.infer<typeof replayRulesSchema>;
export type ReplaySettingsPatch = z.infer<typeof workspaceSettingsPatchSchema>;

/** Parses a settings patch or a rules list, with the paths of the mistakes (prefixed by `path`). */
export function parseReplaySetup(input: { settings?: unknown; rules?: unknown }, path: { settings: string; rules: string } = { settings: "settings", rules: "rules" }) {
  const settings = input.settings === undefined ? undefined : workspaceSettingsPatchSchema.safeParse(input.settings);
  const ruleList = input.rules === undefined ? undefined : replayRulesSchema.safeParse(input.rules);
  const errors = [
    ...(settings && !settings.success ? zodIssuesToFieldErrors(settings.error.issues, [path.settings]) : []),
    ...(ruleList && !ruleList.success ? zodIssuesToFieldErrors(ruleList.error.issues, [path.rules]) : []),
  ];
  if (errors.length > 0) throw new AppError("validation_failed", "the replay's settings or rules are not valid", errors);
  return { settings: settings?.data, rules: ruleList?.data };
}

export async function createScratchWorkspace(
  deps: Pick<Deps, "database" | "clock">,
  input: { name: string; copyFrom?: string; settings?: ReplaySettingsPatch; rules?: ReplayRules },
): Promise<string> {
  const db = deps.database.db;
  const source = input.copyFrom ? await getWorkspace(db, input.copyFrom) : null;
  const id = newId("ws");
  const now = deps.clock();
  await db.transaction(async (tx) => {
    await tx.insert(workspaces).values({ id, name: input.name, settings: source?.settings ?? defaultWorkspaceSettings, scratch: true });
    await tx.insert(identityGenerations).values({ workspaceId: id, generation: 0 });
    if (input.rules) return;
    if (!source) {
      await installDefaultRules(tx, { workspaceId: id, now });
      return;
    }
    // The workspace's rules as they stand, every version, so alerts name the same versions.
    const ruleRows = await tx.select().from(rules).where(eq(rules.workspaceId, source.id));
    if (ruleRows.length > 0) await tx.insert(rules).values(ruleRows.map((r) => ({ ...r, workspaceId: id })));
    const versionRows = await tx.select().from(ruleVersions).where(eq(ruleVersions.workspaceId, source.id));
    if (versionRows.length > 0) await tx.insert(ruleVersions).values(versionRows.map((v) => ({ ...v, workspaceId: id })));
  });
  try {
    if (input.settings) await updateWorkspaceSettings(db, { workspaceId: id, patch: input.settings });
    for (const rule of input.rules ?? []) await createRule(deps, { workspaceId: id, actor: "replay", rule });
  } catch (err) {
    await removeScratchWorkspace(deps, id);
    throw err;
  }
  return id;
}

/** Every row of a scratch workspace, in every table that has a workspace. Refuses a live workspace. */
export async function removeScratchWorkspace(deps: Pick<Deps, "database">, workspaceId: string): Promise<void> {
  const sql = deps.database.sql;
  const [ws] = await sql<{ scratch: boolean }[]>`select scratch from workspaces where id = ${workspaceId}`;
  if (!ws) return;
  if (!ws.scratch) throw new Error(`workspace ${workspaceId} is not a scratch workspace`);
  const tables = await sql<{ table_name: string }[]>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.column_name = 'workspace_id' and c.table_name not in ('replays', 'replay_alerts')`;
  await sql.begin(async (tx) => {
    for (const { table_name } of tables) await tx`delete from ${tx(table_name)} where workspace_id = ${workspaceId}`;
    await tx`delete from workspaces where id = ${workspaceId} and scratch`;
  });
}
