import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";

const ctx = useTestContext();

const jre = {
  name: "VIP shopping at rivals",
  priority: 10,
  conditions: {
    all: [
      { fact: "tier", operator: "greaterThanInclusive", value: "Gold" },
      { any: [{ fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100000 }, { not: { fact: "spend30d", operator: "greaterThan", value: { fact: "spend30dBaseline" } } }] },
    ],
  },
  event: { type: "vip-rival-shopping", params: { points: 40, severity: "high", campaign: "vip-competitor-winback", task: true } },
};

describe("POST /v1/rules/import", () => {
  it("converts a json-rules-engine rule: the tree as is, event.type as the id, event.params as fields, in shadow", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules/import", { key: ws.keys.marketer, json: jre });
    expect(res.status).toBe(201);
    const body = await readJson(res);
    expect(body.rule).toMatchObject({
      id: "vip-rival-shopping",
      currentVersion: 1,
      mode: "shadow",
      definition: { name: "VIP shopping at rivals", conditions: jre.conditions, points: 40, severity: "high", actions: { campaign: "vip-competitor-winback", task: true }, tiers: ["Bronze", "Silver", "Gold", "Platinum", "Diamond"] },
    });
    expect(body.notes).toEqual([expect.stringContaining("priority was ignored")]);
    const stored = await readJson(await ctx.request("/v1/rules/vip-rival-shopping", { key: ws.keys.marketer }));
    expect(stored.definition.points).toBe(40);
  });

  it("refuses what does not map, each with its path in the imported document and the reason", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules/import", {
      key: ws.keys.marketer,
      json: {
        name: "Odd one",
        conditions: { all: [{ fact: "spend30d", operator: "greaterThan", value: 1, path: "$.amount" }, { condition: "sharedThing" }, { fact: "x", operator: "equal", value: 1, params: { a: 1 } }] },
        event: { type: "odd", params: { weight: 3 } },
      },
    });
    expect(res.status).toBe(422);
    const paths = (await readJson(res)).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(["conditions.all[0].path", "conditions.all[1].condition", "conditions.all[2].params", "event.params.weight"]);
    expect((await readJson(await ctx.request("/v1/rules", { key: ws.keys.marketer }))).rules.map((r: { id: string }) => r.id)).not.toContain("odd");
  });

  it("reports catalogue mistakes and field mistakes at the imported document's paths", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules/import", {
      key: ws.keys.marketer,
      json: { name: "Typos", conditions: { any: [{ fact: "competitorSpend30", operator: "greaterThan", value: 1 }] }, event: { type: "typos", params: { points: 500, campaign: "nope" } } },
    });
    expect(res.status).toBe(422);
    const errors = (await readJson(res)).errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual(["conditions.any[0].fact", "event.params.points"]);
    const campaign = await ctx.request("/v1/rules/import", {
      key: ws.keys.marketer,
      json: { name: "Typos", conditions: { any: [{ fact: "competitorSpend30d", operator: "greaterThan", value: 1 }] }, event: { type: "typos", params: { campaign: "nope" } } },
    });
    expect(campaign.status).toBe(422);
    expect((await readJson(campaign)).errors).toEqual([{ path: "event.params.campaign", message: expect.stringContaining('unknown campaign "nope"') }]);
  });
});
