import { createHash } from "node:crypto";
import { upsertFeatures } from "../../db/queries/features.ts";
import type { Deps } from "../deps.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";

/**
 * Queues one refresh per customer, debounced: a burst of signals for one customer within
 * the window replaces the waiting job instead of adding another. The key expires just
 * before the job runs, so a signal arriving while it runs queues a fresh one.
 */
export async function enqueueFeatureRefresh(deps: Deps, workspaceId: string, customerIds: readonly string[]) {
  const delay = deps.config.FEATURES_DEBOUNCE_MS;
  await deps.jobs.addBulk(
    "refreshFeatures",
    customerIds.map((customerId) => ({
      payload: { workspaceId, customerId },
      opts: {
        delay,
        deduplication: { id: featureDedupId(workspaceId, customerId), ttl: Math.max(1, delay - 100), extend: true, replace: true },
      },
    })),
  );
}

// Customer ids are the sender's and may hold ':', which BullMQ ids must not.
const featureDedupId = (workspaceId: string, customerId: string) =>
  `features-${createHash("sha1").update(`${workspaceId}\u0000${customerId}`).digest("hex")}`;

export async function refreshFeatures(deps: Deps, input: { workspaceId: string; customerIds?: readonly string[] }) {
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  return upsertFeatures(deps.database.sql, { ...input, asOf: deps.clock() }, settings);
}

/**
 * Finds customers whose features are older than their newest signal (a lost job, Redis
 * restarted) and queues them again, a bounded page at a time.
 */
export async function sweepStaleFeatures(deps: Deps, input: { limit?: number } = {}) {
  const stale = await deps.database.sql<{ workspace_id: string; id: string }[]>`
    select c.workspace_id, c.id
    from customers c
    left join customer_features f on f.workspace_id = c.workspace_id and f.customer_id = c.id
    where c.last_signal_at is not null and c.merged_into is null
      and (f.watermark is null or f.watermark < c.last_signal_at)
    order by c.last_signal_at
    limit ${input.limit ?? 10_000}`;
  const byWorkspace = new Map<string, string[]>();
  for (const r of stale) byWorkspace.set(r.workspace_id, [...(byWorkspace.get(r.workspace_id) ?? []), r.id]);
  for (const [ws, ids] of byWorkspace) await enqueueFeatureRefresh(deps, ws, ids);
  return { queued: stale.length };
}
