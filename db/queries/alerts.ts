// What raising an alert reads of a customer's resolved alerts. Both go through
// alerts_resolved_customer_idx (migration 0033), so their cost follows the candidates, not
// the workspace's history of alerts.
import type postgres from "postgres";
import type { Severity } from "../scoring-schema.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/** Of these customers, those with a resolved alert whose cooldown has not ended at `now`. */
export function coolingDownSql(sql: Sql, input: { workspaceId: string; customerIds: readonly string[]; now: Date }) {
  return sql<{ customer_id: string }[]>`
    select distinct customer_id from alerts
    where workspace_id = ${input.workspaceId} and customer_id = any(${input.customerIds as string[]}::text[])
      and status = 'resolved' and cooldown_until > ${input.now}`;
}

/**
 * Of these customers, those still in the risk episode of their latest resolved alert (no
 * purchase since it opened, as their features last saw), with that alert's severity.
 */
export function episodeAlertsSql(sql: Sql, input: { workspaceId: string; customerIds: readonly string[] }) {
  return sql<{ customer_id: string; severity: Severity }[]>`
    select l.customer_id, l.severity
    from (
      select distinct on (customer_id) customer_id, severity, opened_at from alerts
      where workspace_id = ${input.workspaceId} and customer_id = any(${input.customerIds as string[]}::text[]) and status = 'resolved'
      order by customer_id, opened_at desc
    ) l
    left join customer_features f on f.workspace_id = ${input.workspaceId} and f.customer_id = l.customer_id
    where f.last_purchase_at is null or f.last_purchase_at <= l.opened_at`;
}
