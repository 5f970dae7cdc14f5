import { apiKeyRoles, type ApiKeyRole } from "../../../db/schema.ts";
import { applyMigrations } from "../../../db/migrate.ts";
import { createApiKey } from "../../workspaces/api-keys.ts";
import { createWorkspace, getWorkspace } from "../../workspaces/workspaces.ts";
import { apiBase, required, UsageError, withRuntime, workspaceOption, type Command } from "../command.ts";

export const setupCommands: Command[] = [
  {
    name: "migrate",
    summary: "apply database migrations",
    usage: "",
    details: "The server migrates when it starts; this is for a database the server has not seen yet.",
    async run({ out }) {
      await withRuntime(out, async (rt) => {
        await applyMigrations(rt.database);
        out.print("Migrations applied.", { ok: true });
      });
    },
  },
  {
    name: "workspace create",
    summary: "create a workspace; prints its first admin API key",
    usage: "--name <name>",
    details: 'Example: npm run cli -- workspace create --name "My brand"',
    options: { name: { type: "string" } },
    async run({ values, out }) {
      const name = required(values, "name");
      await withRuntime(out, async (rt) => {
        const { workspace, apiKey } = await createWorkspace(rt.database.db, { name });
        out.print(
          `Workspace ${workspace.id} ("${workspace.name}") created.\nAdmin API key (shown once, store it now):\n\n  ${apiKey.key}\n\nTry: curl -H "Authorization: Bearer ${apiKey.key}" ${apiBase(rt)}/v1/workspace`,
          { workspace: { id: workspace.id, name: workspace.name }, apiKey: { id: apiKey.id, role: apiKey.role, key: apiKey.key } },
        );
      });
    },
  },
  {
    name: "api-key create",
    summary: `create an API key (roles: ${apiKeyRoles.join(", ")})`,
    usage: "--workspace <id> --role <role> [--name <name>]",
    options: { ...workspaceOption, role: { type: "string" }, name: { type: "string" } },
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      const role = required(values, "role");
      if (!(apiKeyRoles as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${apiKeyRoles.join(", ")}`);
      await withRuntime(out, async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        const key = await createApiKey(rt.database.db, { workspaceId, role: role as ApiKeyRole, name: (values.name as string | undefined) ?? `${role} key` });
        out.print(`API key ${key.id} (${key.role}), shown once:\n\n  ${key.key}\n`, { id: key.id, role: key.role, key: key.key });
      });
    },
  },
];
