import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { draft } from "./support.ts";

const ctx = useTestContext();

describe("invalid rules are refused with the path of the mistake", () => {
  it("names an unknown fact at conditions.all[0].fact", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules", {
      key: ws.keys.marketer,
      json: draft({ conditions: { all: [{ fact: "competitorApps", operator: "greaterThan", value: 2 }] } }),
    });
    expect(res.status).toBe(422);
    const body = await readJson(res);
    expect(body.errors).toEqual([{ path: "conditions.all[0].fact", message: expect.stringMatching(/unknown fact "competitorApps"/) }]);
  });

  it("names a value of the wrong type at conditions.all[1].value", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules", {
      key: ws.keys.marketer,
      json: draft({
        conditions: {
          all: [
            { fact: "tier", operator: "greaterThanInclusive", value: "Gold" },
            { fact: "competitorSpend30d", operator: "greaterThan", value: "100000" },
          ],
        },
      }),
    });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors.map((e: { path: string }) => e.path)).toEqual(["conditions.all[1].value"]);
  });

  it("names an operator that does not apply to the fact at its operator", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules", {
      key: ws.keys.marketer,
      json: draft({ conditions: { any: [{ fact: "spend30d", operator: "contains", value: "x" }] } }),
    });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors).toEqual([{ path: "conditions.any[0].operator", message: expect.stringMatching(/does not apply/) }]);
  });

  it("refuses an invalid edit and keeps the current version", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    const res = await ctx.request("/v1/rules/apps", {
      method: "PUT",
      key: ws.keys.marketer,
      json: draft({ conditions: { all: [{ fact: "tier", operator: "equal", value: "Golden" }] } }),
    });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("conditions.all[0].value");
    expect((await readJson(await ctx.request("/v1/rules/apps", { key: ws.keys.marketer }))).currentVersion).toBe(1);
  });

  it("refuses a patch that names a field rules do not have", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    const res = await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { mode: "loud" } });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("mode");
  });

  it("refuses ids that would read as the fixed routes", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "facts" }) });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("id");
  });
});

describe("rules are versioned", () => {
  it("creates version 1 in shadow mode, with an id made from the name when none is sent", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft() });
    expect(res.status).toBe(201);
    expect(await readJson(res)).toMatchObject({ id: "heavy-competitor-app-use", currentVersion: 1, mode: "shadow", deletedAt: null });
  });

  it("answers 409 for an id already taken", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    const res = await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    expect(res.status).toBe(409);
  });

  it("an edit makes version 2 current and version 1 stays readable as it was", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    const put = await ctx.request("/v1/rules/apps", { method: "PUT", key: ws.keys.marketer, json: draft({ points: 25 }) });
    expect(put.status).toBe(200);
    expect(await readJson(put)).toMatchObject({ currentVersion: 2, changed: true, definition: { points: 25 } });

    const v1 = await readJson(await ctx.request("/v1/rules/apps/versions/1", { key: ws.keys.marketer }));
    expect(v1).toMatchObject({ version: 1, current: false, definition: { points: 10 } });
    const v2 = await readJson(await ctx.request("/v1/rules/apps/versions/2", { key: ws.keys.marketer }));
    expect(v2).toMatchObject({ version: 2, current: true, definition: { points: 25 } });
  });

  it("lists every version with how it came about", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    await ctx.request("/v1/rules/apps", { method: "PUT", key: ws.keys.marketer, json: draft({ points: 25 }) });
    await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { mode: "live" } });
    const rule = await readJson(await ctx.request("/v1/rules/apps", { key: ws.keys.marketer }));
    expect(rule).toMatchObject({ currentVersion: 3, mode: "live", definition: { points: 25, mode: "live" } });
    expect(rule.versions.map((v: { version: number; action: string; mode: string }) => [v.version, v.action, v.mode])).toEqual([
      [1, "rule.created", "shadow"],
      [2, "rule.updated", "shadow"],
      [3, "rule.mode_changed", "live"],
    ]);
  });

  it("a rollback copies the old definition into a new version, so history stays linear", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    await ctx.request("/v1/rules/apps", { method: "PUT", key: ws.keys.marketer, json: draft({ points: 25 }) });
    const res = await ctx.request("/v1/rules/apps/rollback", { key: ws.keys.marketer, json: { version: 1 } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ currentVersion: 3, changed: true, definition: { points: 10 } });
    const rule = await readJson(await ctx.request("/v1/rules/apps", { key: ws.keys.marketer }));
    expect(rule.versions.at(-1)).toMatchObject({ version: 3, action: "rule.rolled_back", restoredVersion: 1, current: true });
    expect((await readJson(await ctx.request("/v1/rules/apps/versions/2", { key: ws.keys.marketer }))).definition.points).toBe(25);
  });

  it("saving the current definition again adds no version", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    const res = await ctx.request("/v1/rules/apps", { method: "PUT", key: ws.keys.marketer, json: draft() });
    expect(await readJson(res)).toMatchObject({ currentVersion: 1, changed: false });
  });

  it("answers 409 when If-Match names a version that is no longer current", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { points: 30 } });
    const stale = await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { points: 40 }, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(409);
    const fresh = await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { points: 40 }, headers: { "if-match": '"2"' } });
    expect(await readJson(fresh)).toMatchObject({ currentVersion: 3, definition: { points: 40 } });
  });

  it("answers 404 for a version the rule does not have", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    expect((await ctx.request("/v1/rules/apps/versions/7", { key: ws.keys.marketer })).status).toBe(404);
    expect((await ctx.request("/v1/rules/apps/rollback", { key: ws.keys.marketer, json: { version: 7 } })).status).toBe(404);
  });
});

describe("deleting a rule", () => {
  it("drops it from the list, keeps its versions readable and refuses further edits", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    expect((await ctx.request("/v1/rules/apps", { method: "DELETE", key: ws.keys.marketer })).status).toBe(204);

    const list = await readJson(await ctx.request("/v1/rules", { key: ws.keys.marketer }));
    expect(list.rules.map((r: { id: string }) => r.id)).not.toContain("apps");
    const rule = await readJson(await ctx.request("/v1/rules/apps", { key: ws.keys.marketer }));
    expect(rule.deletedAt).not.toBeNull();
    expect((await ctx.request("/v1/rules/apps/versions/1", { key: ws.keys.marketer })).status).toBe(200);
    expect((await ctx.request("/v1/rules/apps", { method: "PATCH", key: ws.keys.marketer, json: { mode: "live" } })).status).toBe(404);
    expect((await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) })).status).toBe(409);
  });
});

describe("who may do what", () => {
  it("a manager key may read rules but gets 403 on PUT", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
    expect((await ctx.request("/v1/rules/apps", { key: ws.keys.manager })).status).toBe(200);
    const res = await ctx.request("/v1/rules/apps", { method: "PUT", key: ws.keys.manager, json: draft({ points: 50 }) });
    expect(res.status).toBe(403);
  });

  it("a manager key gets 403 creating, patching, rolling back, deleting, dry-running and backtesting", async () => {
    const ws = await ctx.workspace();
    const calls: [string, string, unknown?][] = [
      ["POST", "/v1/rules", draft()],
      ["PATCH", "/v1/rules/vip-order-drop", { mode: "off" }],
      ["POST", "/v1/rules/vip-order-drop/rollback", { version: 1 }],
      ["DELETE", "/v1/rules/vip-order-drop"],
      ["POST", "/v1/rules/dry-run", { ruleId: "vip-order-drop", customerId: "x" }],
      ["POST", "/v1/rules/vip-order-drop/backtest", { asOf: "2026-10-01T00:00:00Z" }],
    ];
    for (const [method, path, json] of calls) {
      expect((await ctx.request(path, { method, key: ws.keys.manager, json })).status, `${method} ${path}`).toBe(403);
    }
  });

  it("an ingest key cannot read rules", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/rules", { key: ws.keys.ingest })).status).toBe(403);
  });

  it("an admin key may edit rules", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", key: ws.keys.admin, json: { mode: "shadow" } });
    expect(await readJson(res)).toMatchObject({ currentVersion: 2, mode: "shadow" });
  });
});

describe("the fact catalogue", () => {
  it("serves each fact with its type, unit, window, meaning and operators, without SQL", async () => {
    const ws = await ctx.workspace();
    const { facts } = await readJson(await ctx.request("/v1/rules/facts", { key: ws.keys.marketer }));
    const spend = facts.find((f: { name: string }) => f.name === "competitorSpend30d");
    expect(spend).toMatchObject({ type: "number", unit: "currency", window: "30d", description: expect.any(String) });
    expect(spend.operators).toContain("increasedByAtLeast");
    expect(spend.sql).toBeUndefined();
    expect(facts.find((f: { name: string }) => f.name === "tier").values).toEqual(["Bronze", "Silver", "Gold", "Platinum", "Diamond"]);
  });
  it("labels each fact in English and in Korean, the words the Korean reasons use", async () => {
    const ws = await ctx.workspace();
    const { facts } = await readJson(await ctx.request("/v1/rules/facts", { key: ws.keys.marketer }));
    const spend = facts.find((f: { name: string }) => f.name === "competitorSpend30d");
    expect(spend.labels.en).toBe(spend.label);
    expect(spend.labels.ko).toMatch(/경쟁사/);
    expect(facts.every((f: { labels: { ko: string } }) => /[가-힣]/.test(f.labels.ko))).toBe(true);
  });
});

describe("the API description", () => {
  it("documents the rules routes", async () => {
    const doc = await readJson(await ctx.request("/openapi.json"));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/rules", "/v1/rules/{ruleId}", "/v1/rules/facts", "/v1/audit"]));
  });
});
