// Rewrites the README's role table from the routes (test/http/roles.test.ts checks they agree):
// `npx tsx scripts/readme-roles.ts`.
import { readFile, writeFile } from "node:fs/promises";
import { loadConfig } from "../src/config.ts";
import type { Deps } from "../src/deps.ts";
import { createApp } from "../src/http/app.ts";
import { createLogger } from "../src/log.ts";
import { roleMatrix, roleMatrixMarkdown } from "../src/http/roles.ts";

// Building the app connects to nothing: routes only register.
const deps = { config: loadConfig({ LOG_LEVEL: "silent" }), log: createLogger("silent"), clock: () => new Date() } as unknown as Deps;
const table = roleMatrixMarkdown(roleMatrix(createApp(deps)));
const file = new URL("../README.md", import.meta.url);
const readme = await readFile(file, "utf8");
const next = readme.replace(/(<!-- roles:start -->\n)[\s\S]*?(\n<!-- roles:end -->)/, (_m, start: string, end: string) => `${start}${table}${end}`);
if (next === readme) console.log("README.md: role table unchanged");
else {
  await writeFile(file, next);
  console.log("README.md: role table rewritten");
}
