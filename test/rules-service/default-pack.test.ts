import { describe, expect, it } from "vitest";
import { defaultRulePack } from "../../rules/index.ts";
import { installDefaultRules } from "../../src/rules-service/default-rules.ts";
import { readJson, useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("the default rule pack", () => {
  it("is installed in every new workspace as version 1 of each rule, in its pack mode", async () => {
    const ws = await ctx.workspace();
    const { rules } = await readJson(await ctx.request("/v1/rules", { key: ws.keys.marketer }));
    expect(rules.map((r: { id: string }) => r.id)).toEqual(defaultRulePack.map((r) => r.id).sort());
    for (const rule of rules) {
      const pack = defaultRulePack.find((p) => p.id === rule.id)!;
      expect(rule).toMatchObject({ currentVersion: 1, mode: pack.mode, definition: { name: pack.name, conditions: pack.conditions } });
    }
  });

  it("is recorded as created by system", async () => {
    const ws = await ctx.workspace();
    const { entries } = await readJson(await ctx.request("/v1/audit?entityType=rule", { key: ws.keys.marketer }));
    expect(entries).toHaveLength(defaultRulePack.length);
    for (const e of entries) expect(e).toMatchObject({ actor: "system", action: "rule.created", detail: { version: 1, source: "default pack" } });
    const rule = await readJson(await ctx.request("/v1/rules/vip-competitor-defection", { key: ws.keys.marketer }));
    expect(rule.versions).toEqual([expect.objectContaining({ version: 1, createdBy: "system", action: "rule.created" })]);
  });

  it("installing again adds nothing and leaves edited rules as they are", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", key: ws.keys.marketer, json: { mode: "off" } });
    await ctx.request("/v1/rules/vip-long-silence", { method: "DELETE", key: ws.keys.marketer });
    const added = await ctx.database.db.transaction((tx) => installDefaultRules(tx, { workspaceId: ws.id, now: ctx.clock() }));
    expect(added).toBe(0);
    const edited = await readJson(await ctx.request("/v1/rules/vip-order-drop", { key: ws.keys.marketer }));
    expect(edited).toMatchObject({ currentVersion: 2, mode: "off" });
    const deleted = await readJson(await ctx.request("/v1/rules/vip-long-silence", { key: ws.keys.marketer }));
    expect(deleted.deletedAt).not.toBeNull();
  });

  it("is installed in one workspace without touching another's", async () => {
    const a = await ctx.workspace("A");
    await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", key: a.keys.marketer, json: { points: 5 } });
    const b = await ctx.workspace("B");
    const rule = await readJson(await ctx.request("/v1/rules/vip-order-drop", { key: b.keys.marketer }));
    expect(rule).toMatchObject({ currentVersion: 1, definition: { points: defaultRulePack.find((r) => r.id === "vip-order-drop")!.points } });
  });
});
