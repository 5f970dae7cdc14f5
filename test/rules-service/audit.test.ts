import { defaultRulePack } from "../../rules/default-pack.ts";
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { draft, keyIdOf } from "./support.ts";

const ctx = useTestContext();

const ruleEntries = async (key: string, ruleId: string) =>
  (await readJson(await ctx.request(`/v1/audit?entityType=rule&entityId=${ruleId}`, { key }))).entries;

describe("the audit log", () => {
  it("records each change to a rule with the key that made it, newest first", async () => {
    const ws = await ctx.workspace();
    const marketer = await keyIdOf(ctx, ws.keys.marketer);
    const admin = await keyIdOf(ctx, ws.keys.admin);
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    await ctx.request("/v1/rules/apps", { method: "PUT", key: ws.keys.marketer, json: draft({ points: 25 }) });
    await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.admin, json: { mode: "live" } });
    await ctx.request("/v1/rules/apps/rollback", { key: ws.keys.marketer, json: { version: 1 } });
    await ctx.request("/v1/rules/apps", { method: "DELETE", key: ws.keys.marketer });

    const entries = await ruleEntries(ws.keys.marketer, "apps");
    expect(entries.map((e: { action: string; actor: string; detail: { version: number } }) => [e.action, e.actor, e.detail.version])).toEqual([
      ["rule.deleted", marketer, 4],
      ["rule.rolled_back", marketer, 4],
      ["rule.mode_changed", admin, 3],
      ["rule.updated", marketer, 2],
      ["rule.created", marketer, 1],
    ]);
  });

  it("says what an edit changed", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    await ctx.request("/v1/rules/apps", {
      method: "PUT",
      key: ws.keys.marketer,
      json: draft({ points: 25, conditions: { all: [{ fact: "competitorApps30d", operator: "greaterThanInclusive", value: 3 }] } }),
    });
    const [updated] = await ruleEntries(ws.keys.marketer, "apps");
    expect(updated.detail).toEqual({
      version: 2,
      previousVersion: 1,
      changes: [{ field: "conditions" }, { field: "points", from: 10, to: 25 }],
    });
  });

  it("records a rollback with the version it restored", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { severity: "high" } });
    await ctx.request("/v1/rules/apps/rollback", { key: ws.keys.marketer, json: { version: 1 } });
    const [rolledBack] = await ruleEntries(ws.keys.marketer, "apps");
    expect(rolledBack).toMatchObject({
      action: "rule.rolled_back",
      detail: { version: 3, previousVersion: 2, restoredVersion: 1, changes: [{ field: "severity", from: "high", to: "medium" }] },
    });
  });

  it("pages with a cursor without overlap or gaps", async () => {
    const ws = await ctx.workspace();
    for (const points of [11, 12, 13, 14]) await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", key: ws.keys.marketer, json: { points } });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: { id: number }[]; nextCursor: string | null } = await readJson(
        await ctx.request(`/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { key: ws.keys.marketer }),
      );
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    // The default-pack rules created, then four edits.
    expect(seen).toHaveLength(defaultRulePack.length + 4);
    expect(new Set(seen).size).toBe(defaultRulePack.length + 4);
  });

  it("refuses a cursor it did not issue", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/audit?cursor=nonsense", { key: ws.keys.marketer });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("cursor");
  });

  it("is closed to manager keys", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/audit", { key: ws.keys.manager })).status).toBe(403);
  });
});
