// One customer's model values again, with the workspace's latest fit, when their signals
// changed: the fit stays (it is refitted on schedule), the customer's summary is as of now.
import { deleteCustomerScore, findLatestFittedFit, selectPurchaseSummary, writeModelScores } from "../../db/queries/model.ts";
import type { Deps } from "../deps.ts";
import { fitParams, scoreSummary } from "./score-summary.ts";

export type CustomerModelOutcome =
  | { status: "scored"; fitId: string }
  | { status: "no_fit" }
  /** No purchase (or merged into another customer): any stored values are removed. */
  | { status: "no_purchase"; fitId: string };

export async function scoreCustomerWithLatestFit(deps: Deps, input: { workspaceId: string; customerId: string }): Promise<CustomerModelOutcome> {
  return scoreCustomersWithLatestFit(deps, { workspaceId: input.workspaceId, customerIds: [input.customerId] });
}

/** The same for a set of customers, in one summary query and one bulk write. */
export async function scoreCustomersWithLatestFit(
  deps: Deps,
  input: { workspaceId: string; customerIds: readonly string[] },
): Promise<CustomerModelOutcome> {
  const sql = deps.database.sql;
  const fit = await findLatestFittedFit(sql, input.workspaceId);
  const params = fit && fitParams(fit);
  if (!fit || !params) return { status: "no_fit" };
  const scoredAt = deps.clock();
  const summary = await selectPurchaseSummary(sql, { workspaceId: input.workspaceId, asOf: scoredAt, customerIds: [...input.customerIds] });
  if (summary.size < input.customerIds.length) {
    const scored = new Set(summary.ids);
    for (const customerId of input.customerIds) {
      if (!scored.has(customerId)) await deleteCustomerScore(sql, { workspaceId: input.workspaceId, customerId });
    }
  }
  if (summary.size === 0) return { status: "no_purchase", fitId: fit.id };
  await writeModelScores(sql, {
    workspaceId: input.workspaceId,
    fitId: fit.id,
    scoredAt,
    summary,
    scores: scoreSummary(fit, params, summary),
    from: 0,
    to: summary.size,
  });
  return { status: "scored", fitId: fit.id };
}
