// Consent withdrawal drops a provider's external evidence, scoped to a customer or a basis,
// and leaves own signals and other providers' evidence alone.
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const sources = async (workspaceId: string) =>
  (await ctx.database.sql`select customer_id, type, source, consent_basis from signals where workspace_id = ${workspaceId} order by customer_id, type, source, consent_basis`).map(
    (r) => `${r.customer_id} ${r.type} ${r.source ?? "-"} ${r.consent_basis ?? "-"}`,
  );

describe("POST /v1/consent-withdrawals", () => {
  async function seed() {
    const ws = await ctx.workspace();
    await ctx.request("/v1/signals", {
      key: ws.keys.ingest,
      json: {
        signals: [
          signal.purchase("c-1", daysAgo(3)),
          signal.competitorPurchase("c-1", daysAgo(3), { source: "card-panel", consentBasis: "consent" }),
          signal.competitorPurchase("c-1", daysAgo(2), { source: "card-panel", consentBasis: "legitimate_interest" }),
          signal.competitorAppUsage("c-1", daysAgo(2), { source: "app-panel", consentBasis: "consent" }),
          signal.competitorPurchase("c-2", daysAgo(3), { source: "card-panel", consentBasis: "consent" }),
        ],
      },
    });
    return ws;
  }

  it("for one customer: only that provider's evidence about them goes, and their features are requested again", async () => {
    const ws = await seed();
    await ctx.database.sql`delete from refresh_requests where workspace_id = ${ws.id}`;
    const res = await ctx.request("/v1/consent-withdrawals", { key: ws.keys.admin, json: { source: "card-panel", customerId: "c-1" } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ source: "card-panel", signalsRemoved: 2, customersAffected: 1 });
    expect(await sources(ws.id)).toEqual(["c-1 competitor_app_usage app-panel consent", "c-1 purchase - -", "c-2 competitor_purchase card-panel consent"]);
    const requested = await ctx.database.sql`select customer_id from refresh_requests where workspace_id = ${ws.id}`;
    expect(requested.map((r) => r.customer_id)).toEqual(["c-1"]);
    const [audit] = await ctx.database.sql`select entity_id, detail::text as detail from audit_log where workspace_id = ${ws.id} and action = 'consent.withdrawn'`;
    expect(audit!.entity_id).toBe("card-panel");
    expect(audit!.detail).not.toContain("c-1");
  });

  it("for one consent basis: every customer's evidence under it from that provider goes", async () => {
    const ws = await seed();
    const res = await ctx.request("/v1/consent-withdrawals", { key: ws.keys.admin, json: { source: "card-panel", consentBasis: "consent" } });
    expect(await readJson(res)).toMatchObject({ signalsRemoved: 2, customersAffected: 2 });
    expect(await sources(ws.id)).toEqual([
      "c-1 competitor_app_usage app-panel consent",
      "c-1 competitor_purchase card-panel legitimate_interest",
      "c-1 purchase - -",
    ]);
  });

  it("is refused to non-admin keys and for unknown customers", async () => {
    const ws = await seed();
    expect((await ctx.request("/v1/consent-withdrawals", { key: ws.keys.ingest, json: { source: "card-panel" } })).status).toBe(403);
    expect((await ctx.request("/v1/consent-withdrawals", { key: ws.keys.admin, json: { source: "card-panel", customerId: "nobody" } })).status).toBe(404);
    expect(await sources(ws.id)).toHaveLength(5);
  });
});
