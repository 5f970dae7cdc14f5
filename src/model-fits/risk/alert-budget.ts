// The learned risk model's alert line, set by an alert budget: the lowest calibrated
// probability at which the customers who would newly cross it stay within the workspace's
// budget of alerts per 1,000 customers a week. Counted on the fit's own as-of dates (the same
// sampled customers, RISK_STEP_DAYS apart): a customer above the line on a date who was not
// above it (or not yet a buyer) on the date before is one alert; one who stays above counts
// stepDays / realertDays of one, as a handled alert stays quiet that long before it can open
// again.
import type postgres from "postgres";

type Sql = postgres.Sql | postgres.TransactionSql;

/** A workspace's default budget: alerts a person can heed, per 1,000 customers a week. */
export const DEFAULT_ALERT_BUDGET_PER_1K_PER_WEEK = 5;
/** How long a customer who stays above the line goes between alerts: the default pack's cooldown. */
export const RISK_REALERT_DAYS = 60;

export type DatedPredictions = { customerIds: readonly string[]; probabilities: ArrayLike<number> };

export type AlertLine = {
  /** Alert when the learned risk probability is at least this. */
  threshold: number;
  /** New crossings per 1,000 workspace customers a week at that line, on the fit's dates. */
  expectedPer1kPerWeek: number;
};

/**
 * `dates` in time order, `stepDays` apart; `perSampled` = workspace customers with a purchase per
 * sampled one (1 without sampling); `customers` = all the workspace's customers.
 */
export function alertLineForBudget(input: {
  dates: readonly DatedPredictions[];
  stepDays: number;
  realertDays?: number;
  perSampled: number;
  customers: number;
  budgetPer1kPerWeek: number;
}): AlertLine {
  const { dates, stepDays, perSampled, customers, budgetPer1kPerWeek } = input;
  const stayerWeight = Math.min(1, stepDays / (input.realertDays ?? RISK_REALERT_DAYS));
  const rate = (threshold: number) => {
    let crossings = 0;
    for (let k = 1; k < dates.length; k++) {
      const before = new Map<string, number>();
      const prev = dates[k - 1]!;
      prev.customerIds.forEach((id, i) => before.set(id, prev.probabilities[i]!));
      const now = dates[k]!;
      now.customerIds.forEach((id, i) => {
        if (now.probabilities[i]! >= threshold) crossings += (before.get(id) ?? -1) >= threshold ? stayerWeight : 1;
      });
    }
    const weeks = ((dates.length - 1) * stepDays) / 7;
    return weeks > 0 && customers > 0 ? (crossings * perSampled * 1000) / customers / weeks : 0;
  };
  // The isotonic map is a step function: its distinct values are the only lines that differ.
  const candidates = [...new Set(dates.flatMap((d) => Array.from(d.probabilities)))].sort((a, b) => a - b);
  // Lowest line from which every higher line fits the budget too (crossings need not fall
  // monotonically). When not even the highest fits, the highest: the model alone cannot keep to
  // the budget, and says by how much; rules that need more evidence beside it can.
  const top = candidates.at(-1) ?? 1;
  let line: AlertLine = { threshold: top, expectedPer1kPerWeek: rate(top) };
  for (let i = candidates.length - 1; i >= 0; i--) {
    const r = rate(candidates[i]!);
    if (r > budgetPer1kPerWeek) break;
    line = { threshold: candidates[i]!, expectedPer1kPerWeek: r };
  }
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return { threshold: line.threshold, expectedPer1kPerWeek: r4(line.expectedPer1kPerWeek) };
}

/** All the workspace's customers and those with a purchase (whom the fit samples from). */
export async function customerCounts(sql: Sql, workspaceId: string): Promise<{ customers: number; purchasers: number }> {
  const [row] = await sql<{ customers: number; purchasers: number }[]>`
    select count(*)::int as customers,
      count(*) filter (where exists (select 1 from signals s where s.workspace_id = c.workspace_id and s.customer_id = c.id and s.type = 'purchase'))::int as purchasers
    from customers c where c.workspace_id = ${workspaceId} and c.merged_into is null`;
  return row!;
}
