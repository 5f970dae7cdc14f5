// What raising an alert reads of the candidates' resolved alerts, in one statement through
// alerts_resolved_customer_idx (migration 0033), so its cost follows the candidates, not the
// workspace's history of alerts.
import type postgres from "postgres";
import type { Severity } from "../scoring-schema.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Of these customers, those with a resolved alert: `cooling` when one's cooldown has not ended
 * at `now`; `episode_severity`, the latest one's severity when the customer is still in its risk
 * episode (no purchase since it opened, as their features last saw), else null.
 */
export function resolvedAlertsSql(sql: Sql, input: { workspaceId: string; customerIds: readonly string[]; now: Date }) {
  return sql<{ customer_id: string; cooling: boolean; episode_severity: Severity | null }[]>`
    select r.customer_id, r.cooling,
      case when f.last_purchase_at is null or f.last_purchase_at <= r.opened_at then r.severity end as episode_severity
    from (
      select distinct on (customer_id) customer_id, severity, opened_at,
        bool_or(cooldown_until > ${input.now}) over (partition by customer_id) as cooling
      from alerts
      where workspace_id = ${input.workspaceId} and customer_id = any(${input.customerIds as string[]}::text[]) and status = 'resolved'
      order by customer_id, opened_at desc
    ) r
    left join customer_features f on f.workspace_id = ${input.workspaceId} and f.customer_id = r.customer_id`;
}
