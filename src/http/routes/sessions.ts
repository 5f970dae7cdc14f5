// Console sign-in: exchange an API key for an httpOnly session cookie; sign out ends it.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { authenticateSession, createSession, csrfMatches, deleteSession, SESSION_COOKIE, SESSION_HOURS, sessionCreateSchema } from "../../console-sessions/sessions.ts";
import { AppError } from "../../errors.ts";
import type { App } from "../app.ts";
import type { AppEnv } from "../env.ts";
import { problemResponses } from "../problem.ts";
import { publicSecurity, sessionSecurity } from "../auth.ts";

const session = z
  .object({ workspaceId: z.string(), workspaceName: z.string(), role: z.string(), keyId: z.string(), csrfToken: z.string(), expiresAt: z.iso.datetime() })
  .meta({ id: "Session" });

const isHttps = (c: Context<AppEnv>) => new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";

export function registerSessionRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/sessions",
      summary: "Sign in to the console: an API key for an httpOnly session cookie (rw_session) and a CSRF token",
      tags: ["sessions"],
      // The key comes in the body, once, and is never kept by the page.
      security: publicSecurity,
      request: { body: { required: true, content: { "application/json": { schema: sessionCreateSchema } } } },
      responses: { 201: { description: "Signed in; the cookie is set", content: { "application/json": { schema: session } } }, ...problemResponses(400, 401, 415, 422) },
    }),
    async (c) => {
      const { token, ...view } = await createSession(c.get("deps"), c.req.valid("json"));
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Strict", secure: isHttps(c), path: "/", maxAge: SESSION_HOURS * 3600 });
      return c.json(view, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/sessions/current",
      summary: "The console session behind the cookie: workspace, role and CSRF token",
      tags: ["sessions"],
      security: sessionSecurity,
      responses: { 200: { description: "The session", content: { "application/json": { schema: session } } }, ...problemResponses(401) },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      const found = token ? await authenticateSession(c.get("deps"), token) : null;
      if (!found) throw new AppError("unauthorized", "not signed in to the console");
      return c.json(
        { workspaceId: found.workspaceId, workspaceName: found.workspaceName, role: found.role, keyId: found.keyId, csrfToken: found.csrfToken, expiresAt: found.expiresAt.toISOString() },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/sessions/current",
      summary: "Sign out: the session is deleted on the server and the cookie cleared",
      tags: ["sessions"],
      security: sessionSecurity,
      responses: { 204: { description: "Signed out" }, ...problemResponses(403) },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) {
        const found = await authenticateSession(c.get("deps"), token);
        // Signing out is state-changing too: a page elsewhere must not end the session.
        if (found && !csrfMatches(found.csrfToken, c.req.header("x-csrf-token"))) throw new AppError("forbidden", "send the session's CSRF token in the x-csrf-token header");
        await deleteSession(c.get("deps"), token);
      }
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
      return c.body(null, 204);
    },
  );
}
