// Rewrites README.md's role table (between <!-- roles:start --> and <!-- roles:end -->) from the
// routes' own requireRole middleware: `npx tsx scripts/readme-roles.ts`. test/http/roles.test.ts
// fails when the table and the routes differ.
import { readFile, writeFile } from "node:fs/promises";
import { loadConfig } from "../src/config.ts";
import type { Deps } from "../src/deps.ts";
import { createApp } from "../src/http/app.ts";
import { createLogger } from "../src/log.ts";
import { roleMatrix, roleMatrixMarkdown } from "../src/http/roles.ts";

// Building the app reads nothing from the database or the queue: the routes are all it needs.
const deps = { config: loadConfig({ ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgres://unused" }), log: createLogger("silent"), clock: () => new Date() } as unknown as Deps;
const table = roleMatrixMarkdown(roleMatrix(createApp(deps)));
const file = new URL("../README.md", import.meta.url);
const readme = await readFile(file, "utf8");
const next = readme.replace(/(<!-- roles:start -->\n)[\s\S]*?(\n<!-- roles:end -->)/, `$1${table}$2`);
if (next === readme) console.log("README.md's role table is current");
else {
  await writeFile(file, next);
  console.log("README.md's role table rewritten");
}
