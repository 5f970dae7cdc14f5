import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.ts";
import { competitors } from "../../db/schema.ts";
import { notFound } from "../errors.ts";

/** Signals may write "Rival Beauty" or "rival-beauty"; both name one competitor. */
export const competitorIdFor = (name: string) =>
  name.trim().toLowerCase().replace(/[^a-z0-9가-힣]+/g, "-").replace(/^-+|-+$/g, "") || name.trim();

export const competitorInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    apps: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
    categories: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  })
  .meta({ id: "CompetitorInput" });

export async function listCompetitors(db: DbOrTx, workspaceId: string) {
  return db.select().from(competitors).where(eq(competitors.workspaceId, workspaceId)).orderBy(asc(competitors.id));
}

export async function getCompetitor(db: DbOrTx, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(competitors)
    .where(and(eq(competitors.workspaceId, workspaceId), eq(competitors.id, id)));
  if (!row) throw notFound("competitor", id);
  return row;
}

export async function upsertCompetitor(
  db: DbOrTx,
  input: { workspaceId: string; id: string; competitor: z.infer<typeof competitorInputSchema> },
) {
  const values = { ...input.competitor, autoRegistered: false };
  const [row] = await db
    .insert(competitors)
    .values({ workspaceId: input.workspaceId, id: competitorIdFor(input.id), ...values })
    .onConflictDoUpdate({ target: [competitors.workspaceId, competitors.id], set: values })
    .returning();
  return row!;
}
