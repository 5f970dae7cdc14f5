import { eq } from "drizzle-orm";
import type { Db, DbOrTx } from "../../db/client.ts";
import { customerFeatures, identityGenerations, workspaces, type Workspace } from "../../db/schema.ts";
import { notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { installStarterCampaigns } from "../campaigns/starter-campaigns.ts";
import { installDefaultRules } from "../rules-service/default-rules.ts";
import { createApiKey, type CreatedApiKey } from "./api-keys.ts";
import { defaultWorkspaceSettings, mergeSettings, type workspaceSettingsPatchSchema } from "./settings.ts";
import type { z } from "zod";

/** A new workspace and its first admin key (the only time the key is shown). */
export async function createWorkspace(db: Db, input: { name: string }): Promise<{ workspace: Workspace; apiKey: CreatedApiKey }> {
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .insert(workspaces)
      .values({ id: newId("ws"), name: input.name, settings: defaultWorkspaceSettings })
      .returning();
    // Ingest and merges serialise on this row (see src/signals/store.ts), so it exists from the start.
    await tx.insert(identityGenerations).values({ workspaceId: workspace!.id, generation: 0 });
    const apiKey = await createApiKey(tx, { workspaceId: workspace!.id, name: "first admin key", role: "admin" });
    // Before the rules: the default pack names two of these campaigns.
    await installStarterCampaigns(tx, { workspaceId: workspace!.id, now: workspace!.createdAt });
    await installDefaultRules(tx, { workspaceId: workspace!.id, now: workspace!.createdAt });
    return { workspace: workspace!, apiKey };
  });
}

export async function getWorkspace(db: DbOrTx, workspaceId: string): Promise<Workspace> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw notFound("workspace", workspaceId);
  return row;
}

/** Settings the features are computed with. */
const featureSettings = ["trustedProviders", "freshnessDays", "minConfidence"] as const;

export async function updateWorkspaceSettings(
  db: Db,
  input: { workspaceId: string; patch: z.infer<typeof workspaceSettingsPatchSchema> },
): Promise<Workspace> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).for("update");
    if (!current) throw notFound("workspace", input.workspaceId);
    const [row] = await tx
      .update(workspaces)
      .set({ settings: mergeSettings(current.settings, input.patch) })
      .where(eq(workspaces.id, input.workspaceId))
      .returning();
    // Which evidence counts changed: every customer's features are due at the next daily pass.
    if (featureSettings.some((k) => k in input.patch)) {
      await tx.update(customerFeatures).set({ nextChangeAt: new Date(0) }).where(eq(customerFeatures.workspaceId, input.workspaceId));
    }
    return row!;
  });
}
