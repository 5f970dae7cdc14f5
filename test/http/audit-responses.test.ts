// Every audit entry the service writes is described: GET /v1/audit answers the entries of
// rule changes, erasure, consent withdrawal and the retention jobs (a month dropped whole,
// row deletes, evidence) in the shape its /openapi.json response schema gives, field for
// field; and an entry the description does not cover is refused before it is written.
import { describe, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/audit.ts";
import { enforceEvidenceRetention } from "../../src/privacy/evidence-retention.ts";
import { erasureKey } from "../../src/privacy/erase-customer.ts";
import { maintainSignalPartitions } from "../../src/signals/partitions.ts";
import { enforceSignalRetention } from "../../src/signals/retention.ts";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { responseChecker } from "../support/openapi.ts";

const ctx = useTestContext();

const post = async (ws: TestWorkspace, signals: unknown[]) =>
  expect(await readJson(await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } }))).toMatchObject({ accepted: signals.length });
const ok = async (res: Promise<Response>) => {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(200);
  return readJson(r);
};

type Entry = { action: string; actor: string; entityId: string; detail: Record<string, unknown> };

describe("GET /v1/audit", () => {
  it("answers the entries of every writer (rules, erasure, consent, retention) in the shape its description gives", async () => {
    const ws = await ctx.workspace();
    // Another workspace keeps June 2013 (no retention): ws loses its June signal by row deletes; May goes whole.
    const keeps = await ctx.workspace();
    await post(ws, [
      { ...signal.purchase("c-old", "2013-05-04T00:00:00Z"), id: "may" },
      { ...signal.purchase("c-old", "2013-06-04T00:00:00Z"), id: "june" },
      signal.purchase("c-gone", daysAgo(3)),
      signal.competitorPurchase("c-panel", daysAgo(3), { source: "card-panel" }),
      signal.competitorAppUsage("c-panel", daysAgo(100), { source: "app-panel" }),
    ]);
    await post(keeps, [{ ...signal.session("k-1", "2013-06-10T00:00:00Z"), id: "kept" }]);
    await ok(ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { signalRetentionDays: 365, evidenceRetentionDays: { default: 30 } } }));

    expect((await maintainSignalPartitions(ctx)).dropped).toContain("signals_2013_05");
    expect(await enforceSignalRetention(ctx, { workspaceId: ws.id })).toMatchObject({ signalsRemoved: 1 });
    expect(await enforceEvidenceRetention(ctx, { workspaceId: ws.id })).toMatchObject({ signalsRemoved: 1 });
    await ok(ctx.request("/v1/customers/c-gone", { method: "DELETE", key: ws.keys.admin }));
    await ok(ctx.request("/v1/consent-withdrawals", { key: ws.keys.admin, json: { source: "card-panel", customerId: "c-panel" } }));
    const rules = await ok(ctx.request("/v1/rules", { key: ws.keys.admin }));
    await ok(ctx.request(`/v1/rules/${rules.rules[0].id}`, { method: "PATCH", key: ws.keys.admin, json: { points: 41 } }));

    const body = await ok(ctx.request("/v1/audit?limit=200", { key: ws.keys.marketer }));
    expect((await responseChecker(ctx))("get", "/v1/audit", 200, body)).toEqual([]);

    const entries = body.entries as Entry[];
    const of = (action: string) => entries.filter((e) => e.action === action);
    expect(new Set(entries.map((e) => e.action))).toEqual(
      new Set(["rule.created", "rule.updated", "signals.expired", "evidence.expired", "customer.erased", "consent.withdrawn"]),
    );
    expect(of("signals.expired").map((e) => e.detail)).toEqual(
      expect.arrayContaining([{ month: "2013-05", signals: 1 }, expect.objectContaining({ signals: 1, customers: 1, days: 365 })]),
    );
    expect(of("evidence.expired")[0]).toMatchObject({ actor: "retention", detail: { signals: 1, customers: 1, retention: { default: 30 } } });
    expect(of("customer.erased")[0]).toMatchObject({ entityId: erasureKey(ws.id, "c-gone"), detail: { rows: expect.objectContaining({ signals: 1, customers: 1 }) } });
    expect(of("consent.withdrawn")[0]!.detail).toEqual({ signals: 1, customers: 1, consentBasis: null, customer: erasureKey(ws.id, "c-panel") });
  }, 60_000);

  it("an entry whose detail the description does not cover is refused, and nothing is written", async () => {
    const ws = await ctx.workspace();
    const entry = { workspaceId: ws.id, at: ctx.clock(), actor: "retention", action: "signals.expired", entityType: "workspace", entityId: ws.id };
    const undescribed = { ...entry, detail: { signals: 1, note: "not in the schema" } as never };
    await expect(recordAudit(ctx.database.sql, [{ ...entry, detail: { signals: 2 } }, undescribed])).rejects.toThrow(/note/);
    await expect(recordAudit(ctx.database.db, undescribed)).rejects.toThrow(/note/);
    const [row] = await ctx.database.sql`select count(*)::int as n from audit_log where workspace_id = ${ws.id} and action = 'signals.expired'`;
    expect(row!.n).toBe(0);
  });
});
