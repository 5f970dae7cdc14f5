// A customer's tier over time: every change with its reason, and the tier in force at any
// past moment (the latest change at or before it; an evaluation that keeps the tier adds none).
import { z } from "zod";
import type { Deps } from "../deps.ts";
import { resolveCustomerId } from "../customers/customers.ts";
import { pastInstant } from "../input/instant.ts";

export const tierHistoryQuerySchema = z.object({
  /** The tier in force at this moment, and the changes up to it; now when absent. */
  asOf: pastInstant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export async function customerTierHistory(deps: Deps, input: { workspaceId: string; customerId: string } & z.infer<typeof tierHistoryQuerySchema>) {
  const { sql } = deps.database;
  const customerId = await resolveCustomerId(deps.database.db, input.workspaceId, input.customerId);
  const asOf = input.asOf ? new Date(input.asOf) : deps.clock();
  const rows = await sql<{ from_tier: string | null; to_tier: string; tier_score: number; parts: Record<string, number>; reason: string; changed_at: Date }[]>`
    select from_tier, to_tier, tier_score, parts, reason, changed_at from tier_history
    where workspace_id = ${input.workspaceId} and customer_id = ${customerId} and changed_at <= ${asOf}::timestamptz
    order by changed_at desc, id desc limit ${input.limit}`;
  const changes = rows.map((r) => ({
    fromTier: r.from_tier,
    toTier: r.to_tier,
    score: r.tier_score,
    parts: r.parts,
    reason: r.reason,
    changedAt: r.changed_at.toISOString(),
  }));
  const latest = changes[0];
  return {
    customerId,
    asOf: asOf.toISOString(),
    tier: latest ? { tier: latest.toTier, since: latest.changedAt, score: latest.score, parts: latest.parts, reason: latest.reason } : null,
    changes,
  };
}
