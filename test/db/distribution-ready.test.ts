// The schema stays ready to be distributed by workspace_id (Citus; docs/scaling.md): every table
// but the few small reference tables keys every row by workspace first, foreign keys point only
// at reference tables or stay inside a workspace, and every SQL join between workspace tables
// matches on workspace_id — so no statement ever needs rows from two workspaces' shards.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();
const root = path.resolve(import.meta.dirname, "../..");

/** Replicated to every node: looked up before the workspace is known (a key, a session) or the workspace itself. */
export const referenceTables = ["workspaces", "api_keys", "console_sessions"];
const referenceIdentifiers = ["workspaces", "apiKeys", "consoleSessions"];

const workspaceTables = async () =>
  (await ctx.database.sql<{ t: string }[]>`
    select tablename as t from pg_tables where schemaname = 'public' and tablename not like '\\_\\_%' order by 1`)
    .map((r) => r.t)
    .filter((t) => !referenceTables.includes(t));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("distribution by workspace_id", () => {
  it("every primary key and unique index of a workspace table leads with workspace_id", async () => {
    const keys = await ctx.database.sql<{ t: string; name: string; first: string }[]>`
      select c.relname as t, ic.relname as name, a.attname as first
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_class ic on ic.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
      where n.nspname = 'public' and i.indisunique`;
    const tables = await workspaceTables();
    expect(tables.length).toBeGreaterThan(25);
    const withoutPk = tables.filter((t) => !keys.some((k) => k.t === t));
    expect(withoutPk).toEqual([]);
    const wrong = keys.filter((k) => tables.includes(k.t) && k.first !== "workspace_id").map((k) => `${k.t}.${k.name} leads with ${k.first}`);
    expect(wrong).toEqual([]);
  });

  it("foreign keys point at reference tables, or match workspace_id on both sides", async () => {
    const fks = await ctx.database.sql<{ t: string; target: string; def: string }[]>`
      select c.conrelid::regclass::text as t, c.confrelid::regclass::text as target, pg_get_constraintdef(c.oid) as def
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = 'public' and c.contype = 'f'`;
    const wrong = fks.filter((f) => !referenceTables.includes(f.target) && !/^FOREIGN KEY \(workspace_id,.*REFERENCES \w+\(workspace_id,/.test(f.def));
    expect(wrong).toEqual([]);
  });

  it("every join between workspace tables in the code matches workspace_id", async () => {
    const tables = await workspaceTables();
    const files = [...(await sourceFiles(path.join(root, "src"))), ...(await sourceFiles(path.join(root, "db")))];
    // SQL in template strings: `join <table> [alias] on …` up to the clause's end.
    const sqlJoin = new RegExp(
      `\\bjoin\\s+(${tables.join("|")})\\b(?:\\s+(?:as\\s+)?(?!on\\b)[a-z_]+)?\\s+on\\b([\\s\\S]*?)(?=\\bjoin\\b|\\bwhere\\b|\\bgroup\\s+by\\b|\\border\\s+by\\b|\\blimit\\b|;|\`|\\bunion\\b|\\)\\s*select)`,
      "gi",
    );
    // Drizzle: `.innerJoin(table, condition)`.
    const drizzleJoin = /\.(?:inner|left|right|full)Join\(\s*(\w+)\s*,([\s\S]*?)\)\s*\.(?:where|innerJoin|leftJoin|rightJoin|fullJoin|orderBy|limit|groupBy|prepare)\b/g;
    let checked = 0;
    const wrong: string[] = [];
    for (const file of files) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(sqlJoin)) {
        checked++;
        if (!/workspace_id/.test(m[2]!)) wrong.push(`${path.relative(root, file)}: ${m[0].slice(0, 120)}`);
      }
      for (const m of text.matchAll(drizzleJoin)) {
        checked++;
        if (!referenceIdentifiers.includes(m[1]!) && !/workspaceId/.test(m[2]!)) wrong.push(`${path.relative(root, file)}: ${m[0].slice(0, 120)}`);
      }
    }
    expect(checked).toBeGreaterThan(25);
    expect(wrong).toEqual([]);
  });
});
