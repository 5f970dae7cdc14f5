// CRM platforms that sign instead of sending a key: each source has its own `whsec_`
// secret and posts to its own URL; the raw body is verified by the Standard Webhooks
// scheme with the reference library (5-minute timestamp tolerance).
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
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

/** Verifies a signed request and returns its parsed JSON body. */
export async function verifySignedRequest(
  db: DbOrTx,
  input: { workspaceId: string; sourceId: string; headers: Record<string, string>; rawBody: string },
): Promise<unknown> {
  const [source] = await db
    .select({ secret: webhookSources.secret })
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
  try {
    new Webhook(source.secret).verify(input.rawBody, input.headers, { jsonParse: false });
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      throw new AppError("unauthorized", `the signature does not verify: ${err.message}`);
    }
    throw err;
  }
  try {
    return JSON.parse(input.rawBody) as unknown;
  } catch {
    throw new AppError("malformed_json", "the body is not valid JSON");
  }
}
