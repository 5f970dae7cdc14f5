// The route × role matrix, read from the routes' own requireRole middleware: the README's
// table and the role test are generated from it, so the documentation cannot drift from
// what the API enforces.
import { apiKeyRoles, type ApiKeyRole } from "../../db/schema.ts";
import type { App } from "./app.ts";

export type RouteAccess = { method: string; path: string; roles: ApiKeyRole[] | "signature" | "public" };

export function roleMatrix(app: App): RouteAccess[] {
  const byRoute = new Map<string, RouteAccess>();
  for (const r of app.routes) {
    if (r.method === "ALL" || r.path.endsWith("*")) continue;
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const key = `${r.method} ${path}`;
    const roles = (r.handler as { roles?: ApiKeyRole[] }).roles;
    const entry = byRoute.get(key) ?? { method: r.method, path, roles: path.startsWith("/v1/webhooks/") ? "signature" : "public" };
    if (roles) entry.roles = roles;
    byRoute.set(key, entry);
  }
  return [...byRoute.values()].filter((r) => r.path.startsWith("/v1/"));
}

/** The matrix as the README's Markdown table. */
export function roleMatrixMarkdown(matrix: RouteAccess[]): string {
  const roles = [...apiKeyRoles].sort((a, b) => order(a) - order(b));
  const lines = [`| route | ${roles.join(" | ")} |`, `|---|${roles.map(() => ":-:").join("|")}|`];
  for (const r of matrix) {
    const cells = roles.map((role) => (r.roles === "signature" ? "signed" : r.roles === "public" ? "✓" : r.roles.includes(role) ? "✓" : ""));
    lines.push(`| \`${r.method} ${r.path}\` | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

const order = (role: ApiKeyRole) => ["ingest", "marketer", "manager", "admin"].indexOf(role);
