// Writing an event for the outside world: one outbox row, in the caller's transaction,
// under a unique key so writing it twice is a no-op. The drain fans it out to endpoints.
import type postgres from "postgres";
import type { WebhookEventType } from "../../db/actions-schema.ts";

export type OutboxRow = {
  id: number;
  workspace_id: string;
  key: string;
  kind: string;
  alert_id: string | null;
  customer_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
};

export async function writeEvent(
  tx: postgres.Sql | postgres.TransactionSql,
  input: { workspaceId: string; key: string; type: WebhookEventType; at: Date; alertId?: string | null; customerId?: string | null; data: Record<string, unknown> },
): Promise<void> {
  await tx`
    insert into outbox (workspace_id, key, kind, alert_id, customer_id, payload, created_at)
    values (${input.workspaceId}, ${input.key}, ${input.type}, ${input.alertId ?? null}, ${input.customerId ?? null},
      ${tx.json(input.data as never)}, ${input.at})
    on conflict (workspace_id, key) do nothing`;
}
