// What happens to a customer when their picture may have changed: features, then tier
// (promotion at once), then score and alert. Also the scheduled, workspace-wide pass.
import { upsertFeatures } from "../../db/queries/features.ts";
import type { Deps } from "../deps.ts";
import { drainRefreshRequests, refreshFeatures } from "../features/refresh.ts";
import { scoreWorkspaceWithLatestFit } from "../model-fits/fit-workspace-model.ts";
import { scoreCustomersWithLatestFit } from "../model-fits/score-customer-with-latest-fit.ts";
import { promoteTiers } from "../tiers/evaluate.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { loadActiveRules } from "../rules-service/active-rules.ts";
import { scoreCustomers } from "./score-customers.ts";

/** Features, tier, score and alert for a set of customers, a few statements for the lot. */
export async function refreshCustomers(deps: Deps, input: { workspaceId: string; customerIds: readonly string[] }) {
  const { workspaceId, customerIds } = input;
  await refreshFeatures(deps, { workspaceId, customerIds });
  await promoteTiers(deps, { workspaceId, customerIds });
  // The model's values with the latest fit (refitted on its own schedule).
  await scoreCustomersWithLatestFit(deps, { workspaceId, customerIds });
  const rules = await loadActiveRules(deps, workspaceId);
  return scoreCustomers(deps, { workspaceId, customerIds, rules });
}

/** The job: drain a shard of the workspace's refresh requests (every shard when none is given). */
export async function refreshRequestedCustomers(deps: Deps, input: { workspaceId: string; shard?: number }) {
  const shards = input.shard === undefined ? [...Array(deps.config.REFRESH_SHARDS).keys()] : [input.shard];
  let customers = 0;
  for (const shard of shards) {
    const drained = await drainRefreshRequests(deps, { workspaceId: input.workspaceId, shard }, (customerIds) =>
      refreshCustomers(deps, { workspaceId: input.workspaceId, customerIds }),
    );
    customers += drained.customers;
  }
  return { customers };
}

/**
 * The daily pass: every customer's features as of now in one statement (silence counts:
 * recency grows without signals), then tiers and scores a page at a time.
 */
export async function rescoreWorkspace(deps: Deps, input: { workspaceId: string; pageSize?: number }) {
  const started = performance.now();
  // Where the time goes, for the benchmark and the logs.
  const phases = { featuresMs: 0, modelMs: 0, tiersMs: 0, scoresMs: 0 };
  const timed = async <T>(phase: keyof typeof phases, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phases[phase] += Math.round(performance.now() - t0);
    }
  };
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const customers = await timed("featuresMs", () =>
    upsertFeatures(deps.database.sql, { workspaceId: input.workspaceId, asOf: deps.clock() }, settings),
  );
  // Model values age too: the churn probability rises with silence.
  await timed("modelMs", () => scoreWorkspaceWithLatestFit(deps, { workspaceId: input.workspaceId }));
  const rules = await loadActiveRules(deps, input.workspaceId);
  const pageSize = input.pageSize ?? 5_000;
  let after = "";
  let alerts = 0;
  for (;;) {
    const page = await deps.database.sql<{ customer_id: string }[]>`
      select customer_id from customer_features where workspace_id = ${input.workspaceId} and customer_id > ${after}
      order by customer_id limit ${pageSize}`;
    if (page.length === 0) break;
    const customerIds = page.map((r) => r.customer_id);
    await timed("tiersMs", () => promoteTiers(deps, { workspaceId: input.workspaceId, customerIds }));
    const scored = await timed("scoresMs", () => scoreCustomers(deps, { workspaceId: input.workspaceId, customerIds, rules }));
    alerts += scored.filter((s) => s.scoreId !== null && s.result.alerts).length;
    after = customerIds.at(-1)!;
  }
  const result = { customers, alerts, ms: Math.round(performance.now() - started), ...phases };
  deps.log.info("workspace re-scored", { workspaceId: input.workspaceId, ...result });
  return result;
}
