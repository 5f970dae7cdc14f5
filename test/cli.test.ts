// The admin CLI in a child process, as an operator runs it.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { authenticateApiKey } from "../src/workspaces/api-keys.ts";
import { useTestContext } from "./support/context.ts";

const ctx = useTestContext();
const root = new URL("..", import.meta.url).pathname;

function cli(args: string[]): { status: number; out: string } {
  const { REDIS_URL: _r, ...rest } = process.env;
  try {
    const out = execFileSync("npx", ["tsx", "src/cli.ts", ...args], {
      cwd: root,
      env: { ...rest, DATABASE_URL: ctx.database.url, LOG_LEVEL: "silent" },
      encoding: "utf8",
      timeout: 60_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { status: 0, out };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { status: e.status, out: e.stdout };
  }
}

describe("npm run cli", () => {
  it("creates a workspace and prints its first admin key once, as JSON", async () => {
    const { status, out } = cli(["workspace", "create", "--name", "CLI brand", "--json"]);
    expect(status).toBe(0);
    const result = JSON.parse(out);
    expect(result.workspace.name).toBe("CLI brand");
    expect(await authenticateApiKey(ctx.database.db, result.apiKey.key)).toMatchObject({ workspaceId: result.workspace.id, role: "admin" });
  });

  it("creates a key with a role for an existing workspace", async () => {
    const ws = await ctx.workspace();
    const result = JSON.parse(cli(["api-key", "create", "--workspace", ws.id, "--role", "ingest", "--json"]).out);
    expect(await authenticateApiKey(ctx.database.db, result.key)).toMatchObject({ workspaceId: ws.id, role: "ingest" });
  });

  it("refuses an unknown role with a usage error", () => {
    const { status, out } = cli(["api-key", "create", "--workspace", "ws_x", "--role", "root", "--json"]);
    expect(status).toBe(2);
    expect(JSON.parse(out).error).toMatch(/--role must be one of/);
  });

  it("loads demo data through the ingest path", async () => {
    const ws = await ctx.workspace();
    const result = JSON.parse(cli(["demo", "load", "--workspace", ws.id, "--customers", "5", "--json"]).out);
    expect(result.customers).toBe(5);
    const [row] = await ctx.database.sql`select count(*)::int as n from signals where workspace_id = ${ws.id}`;
    expect(row!.n).toBe(result.accepted);
  });
});
