// The role matrix, generated from the routes: the README documents exactly it, and every
// route answers 403 to exactly the roles it does not list.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { apiKeyRoles } from "../../db/schema.ts";
import { roleMatrix, roleMatrixMarkdown } from "../../src/http/roles.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("roles", () => {
  it("the README's role table is the matrix the routes enforce", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const table = readme.match(/<!-- roles:start -->\n([\s\S]*?)\n<!-- roles:end -->/)?.[1];
    expect(table, "README.md needs the table between <!-- roles:start --> and <!-- roles:end -->").toBe(roleMatrixMarkdown(roleMatrix(ctx.app)));
  });

  it("an ingest key cannot opt a customer back in", () => {
    const route = roleMatrix(ctx.app).find((r) => r.method === "DELETE" && r.path === "/v1/customers/{customerId}/opt-outs");
    expect(route?.roles).not.toContain("ingest");
  });

  it("every route answers 403 to exactly the roles it does not list", async () => {
    const ws = await ctx.workspace();
    const matrix = roleMatrix(ctx.app).filter((r) => Array.isArray(r.roles));
    expect(matrix.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const route of matrix) {
      const path = route.path.replace(/\{[^}]+\}/g, "nothing-here");
      for (const role of apiKeyRoles) {
        const res = await ctx.request(path, { method: route.method, key: ws.keys[role], ...(["GET", "DELETE"].includes(route.method) ? {} : { json: {} }) });
        const allowed = (route.roles as string[]).includes(role);
        if ((res.status === 403) === allowed || res.status === 401 || res.status >= 500) wrong.push(`${route.method} ${route.path} as ${role}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
