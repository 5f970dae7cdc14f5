import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../../db/client.ts";
import { apiKeys, workspaces, type ApiKeyRole, type WorkspaceSettings } from "../../db/schema.ts";
import { notFound } from "../errors.ts";
import { newId } from "../ids.ts";

/** Keys look like `rw_live_<43 base64url chars>`: 256 random bits, greppable by secret scanners. */
export function generateApiKey(): string {
  return `rw_live_${randomBytes(32).toString("base64url")}`;
}

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export type CreatedApiKey = { id: string; name: string; role: ApiKeyRole; prefix: string; createdAt: Date; key: string };

export async function createApiKey(
  db: DbOrTx,
  input: { workspaceId: string; name: string; role: ApiKeyRole },
): Promise<CreatedApiKey> {
  const key = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      workspaceId: input.workspaceId,
      name: input.name,
      role: input.role,
      keyHash: hashApiKey(key),
      prefix: key.slice(0, 12),
    })
    .returning();
  return { id: row!.id, name: row!.name, role: row!.role, prefix: row!.prefix, createdAt: row!.createdAt, key };
}

export async function listApiKeys(db: DbOrTx, workspaceId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      role: apiKeys.role,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(db: DbOrTx, input: { workspaceId: string; keyId: string; now: Date }) {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: input.now })
    .where(and(eq(apiKeys.workspaceId, input.workspaceId), eq(apiKeys.id, input.keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (rows.length === 0) {
    const exists = await db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, input.workspaceId), eq(apiKeys.id, input.keyId)));
    if (exists.length === 0) throw notFound("API key", input.keyId);
  }
}

export type Principal = { workspaceId: string; role: ApiKeyRole; keyId: string; settings: WorkspaceSettings };

const prepareAuthentication = (db: Db) =>
  db
    .select({ keyId: apiKeys.id, workspaceId: apiKeys.workspaceId, role: apiKeys.role, settings: workspaces.settings })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), isNull(apiKeys.revokedAt)))
    .prepare("authenticate_api_key");
// Every request runs this: built once per database rather than per request.
const authentications = new WeakMap<Db, ReturnType<typeof prepareAuthentication>>();

/** The workspace and role behind a presented key, or null for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, key: string): Promise<Principal | null> {
  let query = authentications.get(db);
  if (!query) authentications.set(db, (query = prepareAuthentication(db)));
  const [row] = await query.execute({ keyHash: hashApiKey(key) });
  return row ?? null;
}
