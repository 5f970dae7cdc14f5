import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ApiKeyRole } from "../../db/schema.ts";
import { authenticateSession, csrfMatches, SESSION_COOKIE } from "../console-sessions/sessions.ts";
import { AppError } from "../errors.ts";
import { authenticateApiKey } from "../workspaces/api-keys.ts";
import type { AppEnv } from "./env.ts";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Bearer-key or console-session authentication; `admin` may do everything, other roles only
 * what they are listed for. A session acts with its key's role and workspace, and a
 * state-changing request made with it must echo the session's CSRF token in `x-csrf-token`.
 * The roles stay on the middleware so the route × role matrix (src/http/roles.ts, the
 * README table and its test) is read from the routes themselves.
 */
export const requireRole = (...roles: ApiKeyRole[]) =>
  Object.assign(authenticate(roles), { roles: ["admin", ...roles] as ApiKeyRole[] });

const authenticate = (roles: ApiKeyRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const deps = c.get("deps");
    const header = c.req.header("authorization");
    const session = header === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
    let principal;
    if (session !== undefined) {
      const found = await authenticateSession(deps, session);
      if (!found) throw new AppError("unauthorized", "the console session has ended; sign in again");
      if (!safeMethods.has(c.req.method) && !csrfMatches(found.csrfToken, c.req.header("x-csrf-token"))) {
        throw new AppError("forbidden", "send the session's CSRF token in the x-csrf-token header");
      }
      principal = { workspaceId: found.workspaceId, role: found.role, keyId: found.keyId, settings: found.settings };
    } else {
      const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
      if (!match) throw new AppError("unauthorized", "send an API key as `Authorization: Bearer <key>`");
      principal = await authenticateApiKey(deps.database.db, match[1]!);
      if (!principal) throw new AppError("unauthorized", "the API key is unknown or revoked");
    }
    if (principal.role !== "admin" && !roles.includes(principal.role)) {
      throw new AppError("forbidden", `this needs a key with role ${["admin", ...roles].join(" or ")}; yours is ${principal.role}`);
    }
    c.set("principal", principal);
    await next();
  });

export const bearerSecurity = [{ bearerAuth: [] }];
/** Routes anyone may call (health, the index, signing in): OpenAPI's explicit "no credentials". */
export const publicSecurity: Record<string, string[]>[] = [];
/** The console's session cookie (rw_session), set by POST /v1/sessions. */
export const sessionSecurity = [{ consoleSession: [] }];
/** Inbound webhooks: the Standard Webhooks signature headers instead of a key. */
export const signatureSecurity = [{ webhookSignature: [] }];
