// Customers' model values again, with the workspace's latest fit, when their signals changed:
// the fit stays (it is refitted on schedule), the customers' summaries are as of now.
import { deleteCustomerScores, findLatestFittedFit, selectPurchaseSummary, writeModelScores } from "../../db/queries/model.ts";
import type { Deps } from "../deps.ts";
import { applyRiskModel } from "./risk/apply-risk-model.ts";
import { fitParams, scoreSummary } from "./score-summary.ts";

export type CustomersModelOutcome =
  | { status: "no_fit"; scored: 0; removed: 0 }
  /** `removed`: customers without a purchase (or merged into another) whose stored values were dropped. */
  | { status: "scored"; fitId: string; scored: number; removed: number };

/** A set of customers (one refresh batch) in two statements: their summaries, then their scores. */
export async function scoreCustomersWithLatestFit(
  deps: Deps,
  input: { workspaceId: string; customerIds: readonly string[] },
): Promise<CustomersModelOutcome> {
  const sql = deps.database.sql;
  const fit = await findLatestFittedFit(sql, input.workspaceId);
  const params = fit && fitParams(fit);
  if (!fit || !params) return { status: "no_fit", scored: 0, removed: 0 };
  if (input.customerIds.length === 0) return { status: "scored", fitId: fit.id, scored: 0, removed: 0 };
  const scoredAt = deps.clock();
  const summary = await selectPurchaseSummary(sql, { workspaceId: input.workspaceId, asOf: scoredAt, customerIds: input.customerIds });
  const scored = await writeModelScores(sql, {
    workspaceId: input.workspaceId,
    fitId: fit.id,
    scoredAt,
    summary,
    scores: scoreSummary(fit, params, summary),
    from: 0,
    to: summary.size,
  });
  await applyRiskModel(sql, { workspaceId: input.workspaceId, asOf: scoredAt, customerIds: summary.ids });
  const kept = new Set(summary.ids);
  const removed = await deleteCustomerScores(sql, { workspaceId: input.workspaceId, customerIds: input.customerIds.filter((id) => !kept.has(id)) });
  return { status: "scored", fitId: fit.id, scored, removed };
}

/** One customer: `scoreCustomersWithLatestFit` for a set of one. */
export function scoreCustomerWithLatestFit(deps: Deps, input: { workspaceId: string; customerId: string }): Promise<CustomersModelOutcome> {
  return scoreCustomersWithLatestFit(deps, { workspaceId: input.workspaceId, customerIds: [input.customerId] });
}
