// The learned risk model's training rows, set-based: for each as-of date one statement gives
// every sampled customer's features as of that date (the backtests' featuresSelect, the SQL
// that computes stored features) and whether they made no purchase in (date, date + H]; the
// purchase model's outputs as of the date come from their purchase summary as of it, scored
// with the current fit.
import type postgres from "postgres";
import { featuresSelect } from "../../../db/queries/features.ts";
import { selectPurchaseSummary } from "../../../db/queries/model.ts";
import type { ModelFit, WorkspaceSettings } from "../../../db/schema.ts";
import { scoreSummary } from "../score-summary.ts";
import { riskInputs } from "./inputs.ts";
import type { fitParams } from "../score-summary.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
const dayMs = 86_400_000;

/**
 * One sampled customer as of one date, reduced as it arrives to what the fit reads: every risk
 * input's value (in `riskInputs` order), the outcome and the purchase model's churn
 * probability. Whole feature rows (every feature column, dates and arrays) of 10,000
 * customers × 6 dates were the largest part of a workspace fit's memory at small sizes.
 */
export type TrainingRow = { customerId: string; wentQuiet: boolean; churnProbability: number; inputs: Float64Array };

type FeatureRow = Record<string, unknown> & { customer_id: string; went_quiet: boolean };

/** An even, repeatable sample of the workspace's customers with a purchase (by a hash of the id). */
export async function sampleCustomers(sql: Sql, input: { workspaceId: string; max: number }): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id from customers c
    where c.workspace_id = ${input.workspaceId} and c.merged_into is null
      and exists (select 1 from signals s where s.workspace_id = c.workspace_id and s.customer_id = c.id and s.type = 'purchase')
    order by hashtext(id), id limit ${input.max}`;
  return rows.map((r) => r.id).sort();
}

/** As-of dates, latest first: the last whose outcome window has ended by `asOf`, then every `stepDays` back. */
export function trainingDates(asOf: Date, horizonDays: number, count: number, stepDays: number): Date[] {
  const last = asOf.getTime() - horizonDays * dayMs;
  return Array.from({ length: count }, (_, k) => new Date(last - k * stepDays * dayMs)).reverse();
}

export async function trainingRowsAt(
  sql: Sql,
  input: {
    workspaceId: string;
    asOf: Date;
    horizonDays: number;
    customerIds: readonly string[];
    settings: WorkspaceSettings;
    fit: ModelFit;
    params: NonNullable<ReturnType<typeof fitParams>>;
  },
): Promise<TrainingRow[]> {
  const { workspaceId, asOf } = input;
  const end = new Date(asOf.getTime() + input.horizonDays * dayMs);
  // The purchase model's outputs first, so each feature row is reduced as it streams in.
  const summary = await selectPurchaseSummary(sql, { workspaceId, asOf, customerIds: input.customerIds });
  const scores = scoreSummary(input.fit, input.params, summary);
  const index = new Map(summary.ids.map((id, i) => [id, i]));
  const rows: TrainingRow[] = [];
  await sql<FeatureRow[]>`
    select f.*, not exists (
      select 1 from signals s
      where s.workspace_id = ${workspaceId} and s.customer_id = f.customer_id and s.type = 'purchase'
        and s.occurred_at > ${asOf}::timestamptz and s.occurred_at <= ${end}::timestamptz) as went_quiet
    from (${featuresSelect(sql, { workspaceId, asOf, customerIds: input.customerIds }, input.settings)}) f
    where f.last_purchase_at is not null`.forEach((row) => {
    const i = index.get(row.customer_id);
    if (i === undefined) return;
    const full = { ...row, churn_probability: scores.churnProbability[i], expected_purchases_90d: scores.expectedPurchases90d[i], p_alive: scores.pAlive[i] };
    rows.push({
      customerId: row.customer_id,
      wentQuiet: row.went_quiet,
      churnProbability: scores.churnProbability[i]!,
      inputs: Float64Array.from(riskInputs, (input) => input.js(full)),
    });
  });
  return rows;
}
