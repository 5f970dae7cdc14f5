// CRM platforms that sign instead of sending a key: each source has its own `whsec_`
// secret and posts to its own URL; the raw body is verified by the Standard Webhooks
// scheme with the reference library (5-minute timestamp tolerance).
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { DbOrTx } from "../../db/client.ts";
import { webhookSources } from "../../db/schema.ts";
import { AppError, notFound } from "../errors.ts";
import { newId } from "../ids.ts";

export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

export async function createWebhookSource(db: DbOrTx, input: { workspaceId: string; name: string }) {
  const [row] = await db
    .insert(webhookSources)
    .values({ workspaceId: input.workspaceId, id: newId("src"), name: input.name, secret: generateWebhookSecret() })
    .returning();
  return row!;
}

export async function listWebhookSources(db: DbOrTx, workspaceId: string) {
  return db
    .select({ id: webhookSources.id, name: webhookSources.name, createdAt: webhookSources.createdAt, revokedAt: webhookSources.revokedAt })
    .from(webhookSources)
    .where(eq(webhookSources.workspaceId, workspaceId))
    .orderBy(desc(webhookSources.createdAt));
}

export async function revokeWebhookSource(db: DbOrTx, input: { workspaceId: string; sourceId: string; now: Date }) {
  const rows = await db
    .update(webhookSources)
    .set({ revokedAt: input.now })
    .where(and(eq(webhookSources.workspaceId, input.workspaceId), eq(webhookSources.id, input.sourceId)))
    .returning({ id: webhookSources.id });
  if (rows.length === 0) throw notFound("webhook source", input.sourceId);
}

/** A rotation's overlap: how long the replaced secret stays valid beside the new one. */
export const secretRotationSchema = z
  .strictObject({
    overlapHours: z.number().int().min(0).max(168).default(24).meta({ description: "Hours the replaced secret stays valid (0 ends it at once); default 24" }),
  })
  .meta({ id: "SecretRotation" });

/** The previous secret while its overlap lasts, else nothing. */
export function liveSecrets(row: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): string[] {
  const previousLive = row.previousSecret !== null && row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return previousLive ? [row.secret, row.previousSecret!] : [row.secret];
}

/** A new secret for a source; the old one keeps verifying for the overlap, so the sender can switch without a refused push. */
export async function rotateWebhookSourceSecret(
  db: DbOrTx,
  input: { workspaceId: string; sourceId: string; now: Date } & z.infer<typeof secretRotationSchema>,
) {
  const expiresAt = new Date(input.now.getTime() + input.overlapHours * 3_600_000);
  const [row] = await db
    .update(webhookSources)
    .set({ previousSecret: sql`${webhookSources.secret}`, previousSecretExpiresAt: expiresAt, secret: generateWebhookSecret() })
    .where(and(eq(webhookSources.workspaceId, input.workspaceId), eq(webhookSources.id, input.sourceId), isNull(webhookSources.revokedAt)))
    .returning({ id: webhookSources.id, secret: webhookSources.secret, previousSecretExpiresAt: webhookSources.previousSecretExpiresAt });
  if (!row) throw notFound("webhook source", input.sourceId);
  return { id: row.id, secret: row.secret, previousSecretValidUntil: row.previousSecretExpiresAt!.toISOString() };
}

/** Verifies a signed request and returns its parsed JSON body. */
export async function verifySignedRequest(
  db: DbOrTx,
  input: { workspaceId: string; sourceId: string; headers: Record<string, string>; rawBody: string; now: Date },
): Promise<unknown> {
  const [source] = await db
    .select({ secret: webhookSources.secret, previousSecret: webhookSources.previousSecret, previousSecretExpiresAt: webhookSources.previousSecretExpiresAt })
    .from(webhookSources)
    .where(
      and(
        eq(webhookSources.workspaceId, input.workspaceId),
        eq(webhookSources.id, input.sourceId),
        isNull(webhookSources.revokedAt),
      ),
    );
  // An unknown source answers like a bad signature, so URLs cannot be probed.
  if (!source) throw new AppError("unauthorized", "the signature does not verify for this source");
  // During a rotation's overlap either secret verifies: the sender may not have switched yet.
  let failure: WebhookVerificationError | undefined;
  for (const secret of liveSecrets(source, input.now)) {
    try {
      new Webhook(secret).verify(input.rawBody, input.headers, { jsonParse: false });
      failure = undefined;
      break;
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      failure ??= err;
    }
  }
  if (failure) throw new AppError("unauthorized", `the signature does not verify: ${failure.message}`);
  try {
    return JSON.parse(input.rawBody) as unknown;
  } catch {
    throw new AppError("malformed_json", "the body is not valid JSON");
  }
}
