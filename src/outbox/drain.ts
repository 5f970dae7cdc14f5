// The outbox drain: every row an alert (or a task, an enrollment, a digest) wrote is handled
// once. Events fan out to the workspace's matching endpoints as `deliveries` rows (unique per
// outbox row and endpoint); actions (`campaign.enroll`, `task.create`) run their domain
// function. Each row is handled in a savepoint and marked processed in the same transaction,
// so a drain that runs twice, or dies half-way, writes nothing twice. Deliveries are enqueued
// after commit, best effort: the drain also re-finds pending deliveries that are due.
import type postgres from "postgres";
import { webhookEventTypes, type WebhookEventType } from "../../db/actions-schema.ts";
import { enrollFromOutbox } from "../campaigns/enroll.ts";
import type { Deps } from "../deps.ts";
import { newId } from "../ids.ts";
import { createTaskFromOutbox } from "../tasks/create.ts";
import type { OutboxRow } from "./events.ts";

const PAGE = 100;
const MAX_PAGES = 50;

type Created = { workspaceId: string; id: string; attempts: number };
type Handler = (deps: Deps, tx: postgres.TransactionSql, row: OutboxRow, created: Created[]) => Promise<void>;

const isEvent = (kind: string): kind is WebhookEventType => (webhookEventTypes as readonly string[]).includes(kind);

/** The request body every endpoint gets for an outbox event (Standard Webhooks' type/timestamp/data). */
export const eventBody = (row: OutboxRow) =>
  JSON.stringify({ type: row.kind, timestamp: row.created_at.toISOString(), data: { workspaceId: row.workspace_id, ...row.payload } });

const fanOut: Handler = async (deps, tx, row, created) => {
  const now = deps.clock();
  const endpoints = await tx<{ id: string }[]>`
    select id from webhook_endpoints where workspace_id = ${row.workspace_id} and enabled and ${row.kind} = any(event_types) order by id`;
  if (endpoints.length === 0) return;
  const body = eventBody(row);
  const rows = endpoints.map((e) => ({ id: newId("dlv"), endpoint_id: e.id }));
  const inserted = await tx<{ id: string }[]>`
    insert into deliveries (workspace_id, id, outbox_id, endpoint_id, event_type, body, status, next_attempt_at, created_at)
    select ${row.workspace_id}, r.id, ${row.id}, r.endpoint_id, ${row.kind}, ${body}, 'pending', ${now}::timestamptz, ${now}::timestamptz
    from jsonb_to_recordset(${tx.json(rows)}) as r(id text, endpoint_id text)
    on conflict (workspace_id, outbox_id, endpoint_id) do nothing
    returning id`;
  for (const d of inserted) created.push({ workspaceId: row.workspace_id, id: d.id, attempts: 0 });
};

const handlers: Record<string, Handler> = {
  "campaign.enroll": (deps, tx, row) => enrollFromOutbox(deps, tx, row),
  "task.create": (deps, tx, row) => createTaskFromOutbox(deps, tx, row),
};

export async function drainOutbox(deps: Deps): Promise<{ processed: number; failed: number; deliveriesCreated: number; deliveriesEnqueued: number }> {
  const created: Created[] = [];
  const failedIds: number[] = [];
  let processed = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const seen = await deps.database.sql.begin(async (tx) => {
      const rows = await tx<OutboxRow[]>`
        select id, workspace_id, key, kind, alert_id, customer_id, payload, created_at from outbox
        where processed_at is null and not (id = any(${failedIds}::bigint[]))
          and not exists (select 1 from workspaces w where w.id = outbox.workspace_id and w.scratch)
        order by id limit ${PAGE}
        for update skip locked`;
      const done: number[] = [];
      for (const raw of rows) {
        const row = { ...raw, id: Number(raw.id) };
        const handler = handlers[row.kind] ?? (isEvent(row.kind) ? fanOut : undefined);
        const mine: Created[] = [];
        try {
          if (handler) await tx.savepoint((sp) => handler(deps, sp as unknown as postgres.TransactionSql, row, mine));
          else deps.log.warn("outbox row of an unknown kind; marked processed", { kind: row.kind, id: row.id });
          done.push(row.id);
          created.push(...mine);
        } catch (err) {
          // Left unprocessed: the next drain tries again.
          failedIds.push(row.id);
          deps.log.error("outbox row failed", { err, id: row.id, kind: row.kind, workspaceId: row.workspace_id });
        }
      }
      if (done.length > 0) await tx`update outbox set processed_at = ${deps.clock()} where id = any(${done}::bigint[])`;
      processed += done.length;
      return rows.length;
    });
    if (seen < PAGE) break;
  }
  const enqueued = await enqueueDueDeliveries(deps, created);
  return { processed, failed: failedIds.length, deliveriesCreated: created.length, deliveriesEnqueued: enqueued };
}

/** Enqueues the given deliveries and every pending one that is due; job ids make repeats no-ops. */
export async function enqueueDueDeliveries(deps: Deps, fresh: Created[] = []): Promise<number> {
  const due = await deps.database.sql<{ workspace_id: string; id: string; attempts: number }[]>`
    select workspace_id, id, attempts from deliveries
    where status = 'pending' and next_attempt_at <= ${deps.clock()}
    order by next_attempt_at limit 1000`;
  const all = new Map<string, Created>();
  for (const d of fresh) all.set(d.id, d);
  for (const d of due) all.set(d.id, { workspaceId: d.workspace_id, id: d.id, attempts: d.attempts });
  if (all.size === 0) return 0;
  try {
    await deps.jobs.addBulk(
      "deliverWebhook",
      [...all.values()].map((d) => ({ payload: { workspaceId: d.workspaceId, deliveryId: d.id }, opts: { jobId: deliveryJobId(d.id, d.attempts) } })),
    );
  } catch (err) {
    // Redis away: the rows stay pending and the next drain finds them again.
    deps.log.warn("could not enqueue deliveries", { err, count: all.size });
    return 0;
  }
  return all.size;
}

/** One job id per delivery attempt: a repeat enqueue of the same attempt is a no-op. */
export const deliveryJobId = (deliveryId: string, attempts: number) => `${deliveryId}-a${attempts}`;

/**
 * Best effort after writing outbox rows: ask for a drain now instead of at the next tick.
 * Requests join a drain that is waiting; one made while a drain runs (it may have read its
 * page before these rows were committed) queues one drain to follow it, so no request is
 * lost to the safety-net schedule.
 */
export async function requestDrain(deps: Deps): Promise<void> {
  try {
    await deps.jobs.add("drainOutbox", {}, { deduplication: { id: "drain-outbox", keepLastIfActive: true } });
  } catch (err) {
    deps.log.warn("could not request an outbox drain", { err });
  }
}
