import { createMiddleware } from "hono/factory";
import type { ApiKeyRole } from "../../db/schema.ts";
import { AppError } from "../errors.ts";
import { authenticateApiKey } from "../workspaces/api-keys.ts";
import type { AppEnv } from "./env.ts";

/**
 * Bearer-key authentication; `admin` may do everything, other roles only what they are listed
 * for. The roles stay on the middleware so the route × role matrix (src/http/roles.ts, the
 * README table and its test) is read from the routes themselves.
 */
export const requireRole = (...roles: ApiKeyRole[]) =>
  Object.assign(authenticate(roles), { roles: ["admin", ...roles] as ApiKeyRole[] });

const authenticate = (roles: ApiKeyRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) throw new AppError("unauthorized", "send an API key as `Authorization: Bearer <key>`");
    const principal = await authenticateApiKey(c.get("deps").database.db, match[1]!);
    if (!principal) throw new AppError("unauthorized", "the API key is unknown or revoked");
    if (principal.role !== "admin" && !roles.includes(principal.role)) {
      throw new AppError("forbidden", `this needs a key with role ${["admin", ...roles].join(" or ")}; yours is ${principal.role}`);
    }
    c.set("principal", principal);
    await next();
  });

export const bearerSecurity = [{ bearerAuth: [] }];
