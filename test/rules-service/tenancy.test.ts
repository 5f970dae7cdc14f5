import { beforeAll, describe, expect, it } from "vitest";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { draft, push } from "./support.ts";

const ctx = useTestContext();

// B owns the rule "b-only"; A has a customer of its own, so a dry run in A fails on the rule.
let a: TestWorkspace;
let b: TestWorkspace;
beforeAll(async () => {
  a = await ctx.workspace("A");
  b = await ctx.workspace("B");
  await push(ctx, a, [signal.purchase("a-cust", daysAgo(5))]);
  expect((await ctx.request("/v1/rules", { key: b.keys.marketer, json: draft({ id: "b-only" }) })).status).toBe(201);
});

describe("a key of one workspace sees no rule of another", () => {
  const cases: [string, string, string, unknown?][] = [
    ["GET rule", "GET", "/v1/rules/b-only"],
    ["GET version", "GET", "/v1/rules/b-only/versions/1"],
    ["PUT", "PUT", "/v1/rules/b-only", draft()],
    ["PATCH", "PATCH", "/v1/rules/b-only", { mode: "live" }],
    ["POST rollback", "POST", "/v1/rules/b-only/rollback", { version: 1 }],
    ["POST backtest", "POST", "/v1/rules/b-only/backtest", { asOf: daysAgo(40) }],
    ["DELETE", "DELETE", "/v1/rules/b-only"],
    ["POST dry-run", "POST", "/v1/rules/dry-run", { ruleId: "b-only", customerId: "a-cust" }],
  ];
  for (const [name, method, path, json] of cases) {
    it(`${name} answers 404`, async () => {
      const res = await ctx.request(path, { method, key: a.keys.admin, json });
      expect(res.status).toBe(404);
    });
  }

  it("lists neither the rule nor its audit entries", async () => {
    const { rules } = await readJson(await ctx.request("/v1/rules?includeDeleted=true", { key: a.keys.admin }));
    expect(rules.map((r: { id: string }) => r.id)).not.toContain("b-only");
    const { entries } = await readJson(await ctx.request("/v1/audit?entityId=b-only", { key: a.keys.admin }));
    expect(entries).toEqual([]);
  });

  it("left B's rule untouched", async () => {
    const rule = await readJson(await ctx.request("/v1/rules/b-only", { key: b.keys.marketer }));
    expect(rule).toMatchObject({ currentVersion: 1, deletedAt: null, versions: [expect.objectContaining({ version: 1 })] });
  });
});
