// Console sessions: an API key is exchanged once for a random cookie token. The server keeps
// only the token's hash, the key it stands for and a CSRF token; revoking the key or signing
// out ends the session. The key's role and workspace apply to every request made with it.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import { consoleSessions } from "../../db/console-schema.ts";
import { apiKeys, workspaces } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { authenticateApiKey, type Principal } from "../workspaces/api-keys.ts";

export const SESSION_COOKIE = "rw_session";
/** A working day and then some; signing in again is one paste. */
export const SESSION_HOURS = 12;

export const sessionCreateSchema = z.strictObject({ apiKey: z.string().trim().min(1).max(200) }).meta({ id: "SessionCreate" });

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export type SessionView = { workspaceId: string; workspaceName: string; role: Principal["role"]; keyId: string; csrfToken: string; expiresAt: string };

export async function createSession(deps: Deps, input: z.infer<typeof sessionCreateSchema>): Promise<SessionView & { token: string }> {
  const db = deps.database.db;
  const principal = await authenticateApiKey(db, input.apiKey);
  if (!principal) throw new AppError("unauthorized", "the API key is unknown or revoked");
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  // Expired sessions of anyone go with each sign-in, so the table stays small without a job.
  await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  await db.insert(consoleSessions).values({ tokenHash: hashToken(token), workspaceId: principal.workspaceId, apiKeyId: principal.keyId, csrfToken, expiresAt });
  const [ws] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, principal.workspaceId));
  return { token, workspaceId: principal.workspaceId, workspaceName: ws?.name ?? "", role: principal.role, keyId: principal.keyId, csrfToken, expiresAt: expiresAt.toISOString() };
}

/** The principal behind a session cookie, or null when it is unknown, expired or its key revoked. */
export async function authenticateSession(deps: Deps, token: string): Promise<(Principal & { csrfToken: string; workspaceName: string; expiresAt: Date }) | null> {
  const [row] = await deps.database.db
    .select({
      keyId: apiKeys.id,
      workspaceId: apiKeys.workspaceId,
      role: apiKeys.role,
      settings: workspaces.settings,
      workspaceName: workspaces.name,
      csrfToken: consoleSessions.csrfToken,
      expiresAt: consoleSessions.expiresAt,
    })
    .from(consoleSessions)
    .innerJoin(apiKeys, eq(apiKeys.id, consoleSessions.apiKeyId))
    .innerJoin(workspaces, eq(workspaces.id, consoleSessions.workspaceId))
    .where(and(eq(consoleSessions.tokenHash, hashToken(token)), gt(consoleSessions.expiresAt, deps.clock()), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function deleteSession(deps: Deps, token: string): Promise<void> {
  await deps.database.db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, hashToken(token)));
}
