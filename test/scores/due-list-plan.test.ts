// A first pass starts with customer_features empty and fills it while its cursor over the due
// customers is open: the list must read that table once, not per customer, whatever the
// planner believed about its size when the cursor opened.
import { describe, expect, it } from "vitest";
import { dueCustomersSql, dueCustomerPages } from "../../db/queries/features.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("the daily pass's list of due customers", () => {
  it("is planned without a per-customer scan of customer_features when that table was empty at planning", async () => {
    const ws = await ctx.workspace();
    const { sql } = ctx.database;
    await sql`
      insert into customers (workspace_id, id)
      select ${ws.id}, 'due-' || lpad(i::text, 5, '0') from generate_series(1, 5000) i`;
    await sql`analyze customers`;
    await sql`analyze customer_features`;
    const asOf = new Date();
    const plan = (await sql<{ "QUERY PLAN": string }[]>`explain ${dueCustomersSql(sql, { workspaceId: ws.id, asOf })}`).map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).not.toMatch(/Nested Loop/);
    const ranged = (await sql<{ "QUERY PLAN": string }[]>`explain ${dueCustomersSql(sql, { workspaceId: ws.id, asOf, part: { from: "due-02500", to: null } })}`)
      .map((r) => r["QUERY PLAN"]).join("\n");
    expect(ranged).not.toMatch(/Nested Loop/);
  });

  it("holds every customer without features, each once, in id order", async () => {
    const ws = await ctx.workspace();
    const { sql } = ctx.database;
    await sql`
      insert into customers (workspace_id, id)
      select ${ws.id}, 'list-' || i from generate_series(1, 30) i`;
    const pages: string[][] = [];
    for await (const page of dueCustomerPages(sql, { workspaceId: ws.id, asOf: new Date() }, 7)) pages.push(page.ids);
    const ids = pages.flat();
    const expected = Array.from({ length: 30 }, (_, i) => `list-${i + 1}`);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids.length).toBe(30);
    const [{ sorted } = { sorted: [] }] = await sql<{ sorted: string[] }[]>`select array_agg(id order by id) as sorted from unnest(${ids}::text[]) id`;
    expect(ids).toEqual(sorted);
  });
});
