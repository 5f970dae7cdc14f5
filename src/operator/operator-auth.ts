// Who may see operator views (/metrics on the API port, the queue dashboard at
// /admin/queues). These views span every workspace, so they take an admin API key — of
// OPERATOR_WORKSPACE_ID's workspace when that is set, of any workspace otherwise (one
// brand per installation). The key comes as `Authorization: Bearer <key>`, or as the
// password of HTTP Basic auth, so a browser can open the dashboard: it asks once and sends
// the key with every request the dashboard's page makes. Other sign-ins (the console's
// session) add themselves with `addOperatorCheck`.
import type { Context } from "hono";
import { authenticateApiKey } from "../workspaces/api-keys.ts";
import type { AppEnv } from "../http/env.ts";
import { problemResponse } from "../http/problem.ts";

export type Operator = { via: string; workspaceId: string | null };
export type OperatorCheck = (c: Context<AppEnv>) => Promise<Operator | null>;

function keyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = header.match(/^Bearer\s+(\S+)\s*$/i);
  if (bearer) return bearer[1]!;
  const basic = header.match(/^Basic\s+(\S+)\s*$/i);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

const adminApiKey: OperatorCheck = async (c) => {
  const key = keyFromHeader(c.req.header("authorization"));
  if (!key) return null;
  const deps = c.get("deps");
  const principal = await authenticateApiKey(deps.database.db, key);
  if (!principal || principal.role !== "admin") return null;
  const only = deps.config.OPERATOR_WORKSPACE_ID;
  if (only && principal.workspaceId !== only) return null;
  return { via: "api_key", workspaceId: principal.workspaceId };
};

const checks: OperatorCheck[] = [adminApiKey];

/** Lets another sign-in (e.g. an admin console session) count as an operator. */
export function addOperatorCheck(check: OperatorCheck): void {
  checks.push(check);
}

export async function authorizeOperator(c: Context<AppEnv>): Promise<Operator | null> {
  for (const check of checks) {
    const who = await check(c);
    if (who) return who;
  }
  return null;
}

/** 401 with a Basic challenge: a browser asks for the key (any user name, the key as password). */
export function operatorChallenge(c: Context<AppEnv>): Response {
  const res = problemResponse(c, "unauthorized", "operator views need an admin API key: `Authorization: Bearer <key>`, or the key as the Basic auth password");
  res.headers.set("www-authenticate", 'Basic realm="Rivalwatch operator", charset="UTF-8"');
  return res;
}
