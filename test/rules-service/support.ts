// Shared pieces of the rules-service tests: a valid draft rule, signal pushing, key ids.
import { expect } from "vitest";
import { authenticateApiKey } from "../../src/workspaces/api-keys.ts";
import type { TestContext, TestWorkspace } from "../support/context.ts";

/** A valid rule body; override what the test is about. */
export const draft = (over: Record<string, unknown> = {}) => ({
  name: "Heavy competitor app use",
  description: "Uses two or more competitor apps.",
  conditions: { all: [{ fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 }] },
  tiers: ["Bronze", "Silver", "Gold", "Platinum", "Diamond"],
  points: 10,
  severity: "medium",
  cooldownDays: 14,
  actions: {},
  ...over,
});

export async function push(ctx: TestContext, ws: TestWorkspace, signals: unknown[]) {
  const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } });
  expect(res.status).toBe(200);
}

/** The id the audit log records for a key. */
export async function keyIdOf(ctx: TestContext, key: string): Promise<string> {
  const principal = await authenticateApiKey(ctx.database.db, key);
  return principal!.keyId;
}

/** Sets a customer's current tier directly, as the tier evaluation would. */
export async function setTier(ctx: TestContext, workspaceId: string, customerId: string, tier: string, rank: number) {
  await ctx.database.sql`
    insert into customer_tiers (workspace_id, customer_id, tier, tier_rank, tier_score, parts, since, evaluated_at)
    values (${workspaceId}, ${customerId}, ${tier}, ${rank}, 70, '{}'::jsonb, now(), now())
    on conflict (workspace_id, customer_id) do update set tier = excluded.tier, tier_rank = excluded.tier_rank`;
}
