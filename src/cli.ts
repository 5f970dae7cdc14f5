// The admin CLI: `npm run cli -- <command> [options] [--json]`.
import { parseArgs } from "node:util";
import { apiKeyRoles, type ApiKeyRole } from "../db/schema.ts";
import { applyMigrations } from "../db/migrate.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { loadDemoData } from "./demo/demo.ts";
import { createLogger } from "./log.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { createApiKey } from "./workspaces/api-keys.ts";
import { createWorkspace, getWorkspace } from "./workspaces/workspaces.ts";

const usage = `Usage: npm run cli -- <command> [options] [--json]

  migrate                                             apply database migrations
  workspace create --name <name>                      create a workspace; prints its first admin API key
  api-key create --workspace <id> --role <role> [--name <name>]
                                                      create an API key (roles: ${apiKeyRoles.join(", ")})
  demo load --workspace <id> [--customers <n>]        load demo customers and signals
`;

type Out = { json: boolean; print(human: string, data: unknown): void };

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const rt = await createRuntime(config, { log: createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn") });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v.trim() === "") throw new UsageError(`--${name} is required`);
  return v;
}

class UsageError extends Error {}

async function run(argv: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      name: { type: "string" },
      workspace: { type: "string" },
      role: { type: "string" },
      customers: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [cmd, sub] = positionals;
  const command = [cmd, sub].filter(Boolean).join(" ");

  if (values.help || !cmd) {
    process.stdout.write(usage);
    return;
  }
  switch (command === "migrate" ? "migrate" : command) {
    case "migrate":
      await withRuntime(async (rt) => {
        await applyMigrations(rt.database);
        out.print("Migrations applied.", { ok: true });
      });
      return;
    case "workspace create": {
      const name = required(values, "name");
      await withRuntime(async (rt) => {
        const { workspace, apiKey } = await createWorkspace(rt.database.db, { name });
        out.print(
          `Workspace ${workspace.id} ("${workspace.name}") created.\nAdmin API key (shown once, store it now):\n\n  ${apiKey.key}\n\nTry: curl -H "Authorization: Bearer ${apiKey.key}" http://127.0.0.1:${rt.config.PORT}/v1/workspace`,
          { workspace: { id: workspace.id, name: workspace.name }, apiKey: { id: apiKey.id, role: apiKey.role, key: apiKey.key } },
        );
      });
      return;
    }
    case "api-key create": {
      const workspaceId = required(values, "workspace");
      const role = required(values, "role");
      if (!(apiKeyRoles as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${apiKeyRoles.join(", ")}`);
      await withRuntime(async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        const key = await createApiKey(rt.database.db, { workspaceId, role: role as ApiKeyRole, name: values.name ?? `${role} key` });
        out.print(`API key ${key.id} (${key.role}), shown once:\n\n  ${key.key}\n`, { id: key.id, role: key.role, key: key.key });
      });
      return;
    }
    case "demo load": {
      const workspaceId = required(values, "workspace");
      const customers = Number(values.customers ?? 50);
      if (!Number.isInteger(customers) || customers < 1 || customers > 100_000) throw new UsageError("--customers must be 1 to 100000");
      await withRuntime(async (rt) => {
        const result = await loadDemoData(rt, { workspaceId, customers });
        out.print(
          `Loaded ${result.customers} demo customers and ${result.signals} signals into ${workspaceId}. Features refresh in the background.`,
          result,
        );
      });
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

const json = process.argv.includes("--json");
const out: Out = {
  json,
  print: (human, data) => process.stdout.write(json ? JSON.stringify(data, null, 2) + "\n" : human + "\n"),
};

run(process.argv.slice(2), out).then(
  () => process.exit(0),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (json) process.stdout.write(JSON.stringify({ error: message }) + "\n");
    else process.stderr.write(`${message}\n${err instanceof UsageError ? "\n" + usage : ""}`);
    process.exit(err instanceof UsageError || err instanceof ConfigError ? 2 : 1);
  },
);
