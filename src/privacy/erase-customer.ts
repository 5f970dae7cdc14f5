// Erasure of a customer (a data subject's request): every row that holds the customer's
// personal data goes in one transaction — signals, identities, features, tiers and their
// history, scores, model values, alerts with their events and tasks, enrollments, opt-outs,
// refresh requests, and the outbox rows and webhook deliveries about them — together with
// the customers merged into it. What stays is an audit record of who erased and when, keyed
// by a hash of the id (no personal data), which also makes a repeated erasure a no-op, and a
// `customer.erased` event for the workspace's webhook endpoints, so systems downstream erase too.
import { createHash } from "node:crypto";
import { recordAudit } from "../audit/audit.ts";
import type { Deps } from "../deps.ts";
import { notFound } from "../errors.ts";
import { writeEvent } from "../outbox/events.ts";

/** What the audit log keys an erasure by: the customer id, hashed with the workspace. */
export const erasureKey = (workspaceId: string, customerId: string) =>
  `sha256:${createHash("sha256").update(`${workspaceId}\u0000${customerId}`).digest("hex")}`;

/** Tables keyed by (workspace_id, customer_id) whose rows are the customer's and go whole (signals, with their ledger rows, apart). */
const customerTables = [
  "customer_identities",
  "customer_features",
  "customer_tiers",
  "tier_history",
  "scores",
  "customer_scores",
  "customer_model_scores",
  "refresh_requests",
  "enrollments",
  "channel_opt_outs",
  "tasks",
] as const;

export type ErasureResult = { customerId: string; erased: boolean; erasedAt: string; rows: Record<string, number> };

export async function eraseCustomer(deps: Deps, input: { workspaceId: string; customerId: string; actor: string }): Promise<ErasureResult> {
  const { sql } = deps.database;
  const ws = input.workspaceId;
  const key = erasureKey(ws, input.customerId);
  const at = deps.clock();
  return sql.begin(async (tx) => {
    // The id as sent may be a CRM id attached to a customer, or a customer merged into another.
    const [found] = await tx<{ id: string }[]>`
      select coalesce(c.merged_into, c.id) as id from customers c where c.workspace_id = ${ws} and c.id = ${input.customerId}
      union all
      select i.customer_id from customer_identities i where i.workspace_id = ${ws} and i.kind = 'crm_id' and i.value = ${input.customerId}
      limit 1`;
    if (!found) {
      const [done] = await tx<{ at: Date }[]>`
        select at from audit_log where workspace_id = ${ws} and action = 'customer.erased' and entity_id = ${key} order by at limit 1`;
      if (done) return { customerId: input.customerId, erased: false, erasedAt: done.at.toISOString(), rows: {} };
      throw notFound("customer", input.customerId);
    }
    const ids = (
      await tx<{ id: string }[]>`
        select id from customers where workspace_id = ${ws} and (id = ${found.id} or merged_into = ${found.id}) order by id for update`
    ).map((r) => r.id);
    // Ingest processes cache identity → customer; the bump makes them resolve afresh, as a merge does.
    await tx`
      insert into identity_generations (workspace_id, generation) values (${ws}, 1)
      on conflict (workspace_id) do update set generation = identity_generations.generation + 1`;
    const rows: Record<string, number> = {};
    const alertIds = (await tx<{ id: string }[]>`select id from alerts where workspace_id = ${ws} and customer_id = any(${ids}::text[])`).map((r) => r.id);
    rows.alert_events = (await tx`delete from alert_events where workspace_id = ${ws} and alert_id = any(${alertIds}::text[])`).count;
    // Signals with their ids in the ledger, so the ids are forgotten as well.
    rows.signals = (await tx`
      with deleted as (delete from signals where workspace_id = ${ws} and customer_id = any(${ids}::text[]) returning id)
      delete from signal_ids where workspace_id = ${ws} and id in (select id from deleted)`).count;
    for (const table of customerTables) {
      rows[table] = (await tx`delete from ${tx(table)} where workspace_id = ${ws} and customer_id = any(${ids}::text[])`).count;
    }
    rows.alerts = (await tx`delete from alerts where workspace_id = ${ws} and id = any(${alertIds}::text[])`).count;
    // Events already written about the customer (alert payloads with names and reasons), and their deliveries.
    const outboxIds = (
      await tx<{ id: string }[]>`
        select id from outbox where workspace_id = ${ws} and (customer_id = any(${ids}::text[]) or alert_id = any(${alertIds}::text[]))`
    ).map((r) => r.id);
    rows.delivery_attempts = (await tx`
      delete from delivery_attempts where workspace_id = ${ws}
        and delivery_id in (select id from deliveries where workspace_id = ${ws} and outbox_id = any(${outboxIds}::bigint[]))`).count;
    rows.deliveries = (await tx`delete from deliveries where workspace_id = ${ws} and outbox_id = any(${outboxIds}::bigint[])`).count;
    rows.outbox = (await tx`delete from outbox where workspace_id = ${ws} and id = any(${outboxIds}::bigint[])`).count;
    rows.customers = (await tx`delete from customers where workspace_id = ${ws} and id = any(${ids}::text[])`).count;
    await recordAudit(tx, { workspaceId: ws, at, actor: input.actor, action: "customer.erased", entityType: "customer", entityId: key, detail: { rows } });
    await writeEvent(tx, { workspaceId: ws, key: `customer.erased:${key}`, type: "customer.erased", at, data: { customerId: input.customerId, erasedAt: at.toISOString() } });
    return { customerId: input.customerId, erased: true, erasedAt: at.toISOString(), rows };
  });
}
