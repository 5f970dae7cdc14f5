import { beforeAll, describe, expect, it } from "vitest";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

// Workspace B owns everything; a's keys (even admin) must see none of it.
let a: TestWorkspace;
let b: TestWorkspace;
let bKeyId: string;
let bSourceId: string;

beforeAll(async () => {
  a = await ctx.workspace("A");
  b = await ctx.workspace("B");
  await ctx.request("/v1/signals", { key: b.keys.ingest, json: { signals: [signal.competitorPurchase("b-cust", daysAgo(1), { data: { competitor: "b-rival" } })] } });
  await ctx.request("/v1/customers/b-other", { method: "PUT", key: b.keys.ingest, json: { name: "Other" } });
  bKeyId = (await readJson(await ctx.request("/v1/api-keys", { key: b.keys.admin, json: { name: "x", role: "ingest" } }))).id;
  bSourceId = (await readJson(await ctx.request("/v1/webhook-sources", { key: b.keys.admin, json: { name: "crm" } }))).id;
});

describe("a key of one workspace sees nothing of another", () => {
  const cases: [string, () => { path: string; method?: string; json?: unknown }][] = [
    ["GET customer", () => ({ path: "/v1/customers/b-cust" })],
    ["GET customer signals", () => ({ path: "/v1/customers/b-cust/signals" })],
    ["GET customer tiers", () => ({ path: "/v1/customers/b-cust/tiers" })],
    ["POST merge", () => ({ path: "/v1/customers/b-cust/merge", json: { sourceCustomerId: "b-other" } })],
    ["GET competitor", () => ({ path: "/v1/competitors/b-rival" })],
    ["DELETE api key", () => ({ path: `/v1/api-keys/${bKeyId}`, method: "DELETE" })],
    ["DELETE webhook source", () => ({ path: `/v1/webhook-sources/${bSourceId}`, method: "DELETE" })],
  ];
  for (const [name, make] of cases) {
    it(`${name} answers 404`, async () => {
      const { path, method, json } = make();
      const res = await ctx.request(path, { key: a.keys.admin, method, json });
      expect(res.status).toBe(404);
    });
  }

  it("lists only the caller's competitors, keys and sources", async () => {
    const competitors = await readJson(await ctx.request("/v1/competitors", { key: a.keys.admin }));
    expect(competitors.competitors).toEqual([]);
    const keys = await readJson(await ctx.request("/v1/api-keys", { key: a.keys.admin }));
    expect(keys.apiKeys.map((k: { id: string }) => k.id)).not.toContain(bKeyId);
    const sources = await readJson(await ctx.request("/v1/webhook-sources", { key: a.keys.admin }));
    expect(sources.webhookSources).toEqual([]);
  });

  it("keeps the same signal id apart per workspace", async () => {
    const s = signal.purchase("shared-id-customer", daysAgo(1));
    expect(await readJson(await ctx.request("/v1/signals", { key: a.keys.ingest, json: { signals: [s] } }))).toMatchObject({ accepted: 1 });
    expect(await readJson(await ctx.request("/v1/signals", { key: b.keys.ingest, json: { signals: [s] } }))).toMatchObject({ accepted: 1 });
  });

  it("creates a customer in the caller's workspace even when the id exists elsewhere", async () => {
    await ctx.request("/v1/customers/b-cust", { method: "PUT", key: a.keys.ingest, json: { name: "Mine" } });
    const mine = await readJson(await ctx.request("/v1/customers/b-cust", { key: a.keys.manager }));
    expect(mine).toMatchObject({ name: "Mine", features: null });
    const theirs = await readJson(await ctx.request("/v1/customers/b-cust/signals", { key: b.keys.manager }));
    expect(theirs.signals).toHaveLength(1);
  });
});
