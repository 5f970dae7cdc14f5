// Which database a request reads from. Routes that only read, and can live with a replica a
// moment behind, list `readsFromReplica` after their role check; everything else reads and
// writes the primary. Each write by a caller is noted so its own later reads see it.
import type { Context, MiddlewareHandler, Next } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../console-sessions/sessions.ts";
import { latestLsn, parseLsn } from "../infra/read-replica.ts";
import type { AppEnv } from "./env.ts";

const MIN_LSN_HEADER = "rivalwatch-min-lsn";
const WRITE_LSN_HEADER = "rivalwatch-write-lsn";
const LSN_COOKIE = "rw_lsn";

/** Route middleware: this request's reads go to the replica when it has what the caller must see. */
export const readsFromReplica: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get("deps");
  c.set("readOnly", true);
  if (deps.reads) {
    const minLsn = latestLsn(...[c.req.header(MIN_LSN_HEADER), getCookie(c, LSN_COOKIE)].map((v) => (v ? parseLsn(v) : null)));
    const database = await deps.reads.readerFor({ caller: c.get("principal").keyId, minLsn });
    if (database !== deps.database) c.set("deps", { ...deps, database });
  }
  await next();
};

/** App middleware: after a caller's successful write, remember (and tell it) where the primary was. */
export async function noteWrites(c: Context<AppEnv>, next: Next) {
  await next();
  const deps = c.get("deps");
  if (!deps?.reads || c.req.method === "GET" || c.req.method === "HEAD" || c.get("readOnly") || c.res.status >= 400) return;
  // Ingest keys never read back what they send; a position per batch would cost the hot path.
  if (c.req.path === "/v1/signals" || c.req.path.startsWith("/v1/webhooks/")) return;
  const principal = c.get("principal");
  if (!principal) return;
  const lsn = await deps.reads.noteWrite(principal.keyId);
  c.header(WRITE_LSN_HEADER, lsn);
  // The console's reads carry it back by themselves.
  if (getCookie(c, SESSION_COOKIE)) setCookie(c, LSN_COOKIE, lsn, { path: "/v1", httpOnly: true, sameSite: "Strict", maxAge: 300, secure: new URL(c.req.url).protocol === "https:" });
}
