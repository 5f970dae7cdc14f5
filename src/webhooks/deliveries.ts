// Reading deliveries with every attempt, and replaying one: the same delivery (same
// `webhook-id`, same body) goes out again with a fresh retry budget.
import { z } from "zod";
import { deliveryStatuses, webhookEventTypes } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { deliveryJobId } from "../outbox/drain.ts";

export const deliveryListQuerySchema = z.object({
  endpointId: z.string().max(100).optional(),
  status: z.enum(deliveryStatuses).optional(),
  eventType: z.enum(webhookEventTypes).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Deliveries created before this one (ids sort by time). */
  before: z.string().max(100).optional(),
});

type Row = {
  id: string;
  endpoint_id: string;
  outbox_id: number;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_response_code: number | null;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
  body: string;
};
type AttemptRow = { delivery_id: string; attempt: number; at: Date; outcome: string; response_code: number | null; latency_ms: number; error: string | null };

const iso = (d: Date | null) => d?.toISOString() ?? null;

async function withAttempts(deps: Deps, workspaceId: string, rows: Row[]) {
  const ids = rows.map((r) => r.id);
  const attempts = ids.length
    ? await deps.database.sql<AttemptRow[]>`
        select delivery_id, attempt, at, outcome, response_code, latency_ms, error from delivery_attempts
        where workspace_id = ${workspaceId} and delivery_id = any(${ids}::text[]) order by attempt`
    : [];
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_at),
    lastAttemptAt: iso(r.last_attempt_at),
    lastResponseCode: r.last_response_code,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    completedAt: iso(r.completed_at),
    payload: JSON.parse(r.body) as unknown,
    attemptLog: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({ attempt: a.attempt, at: a.at.toISOString(), outcome: a.outcome, responseCode: a.response_code, latencyMs: a.latency_ms, error: a.error })),
  }));
}

export async function listDeliveries(deps: Deps, input: { workspaceId: string } & z.infer<typeof deliveryListQuerySchema>) {
  const sql = deps.database.sql;
  const rows = await sql<Row[]>`
    select * from deliveries
    where workspace_id = ${input.workspaceId}
      ${input.endpointId ? sql`and endpoint_id = ${input.endpointId}` : sql``}
      ${input.status ? sql`and status = ${input.status}` : sql``}
      ${input.eventType ? sql`and event_type = ${input.eventType}` : sql``}
      ${input.before ? sql`and id < ${input.before}` : sql``}
    order by id desc limit ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  return { deliveries: await withAttempts(deps, input.workspaceId, page), next: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getDelivery(deps: Deps, input: { workspaceId: string; deliveryId: string }) {
  const rows = await deps.database.sql<Row[]>`select * from deliveries where workspace_id = ${input.workspaceId} and id = ${input.deliveryId}`;
  if (rows.length === 0) throw notFound("delivery", input.deliveryId);
  return (await withAttempts(deps, input.workspaceId, rows))[0]!;
}

/** Sends a failed (or succeeded) delivery again now, with a fresh retry budget. */
export async function replayDelivery(deps: Deps, input: { workspaceId: string; deliveryId: string }) {
  const now = deps.clock();
  const [row] = await deps.database.sql<{ status: string; attempts: number; enabled: boolean | null }[]>`
    select d.status, d.attempts, e.enabled from deliveries d
    left join webhook_endpoints e on e.workspace_id = d.workspace_id and e.id = d.endpoint_id
    where d.workspace_id = ${input.workspaceId} and d.id = ${input.deliveryId}`;
  if (!row) throw notFound("delivery", input.deliveryId);
  if (row.status === "pending") throw new AppError("conflict", "the delivery is still being attempted");
  if (row.enabled === null) throw new AppError("conflict", "the delivery's endpoint was deleted");
  if (!row.enabled) throw new AppError("conflict", "the delivery's endpoint is disabled; enable it first");
  const updated = await deps.database.sql`
    update deliveries set status = 'pending', series_attempts = 0, next_attempt_at = ${now}, completed_at = null
    where workspace_id = ${input.workspaceId} and id = ${input.deliveryId} and status <> 'pending' returning id`;
  if (updated.length === 0) throw new AppError("conflict", "the delivery is already being replayed");
  try {
    await deps.jobs.add("deliverWebhook", { workspaceId: input.workspaceId, deliveryId: input.deliveryId }, { jobId: deliveryJobId(input.deliveryId, row.attempts) });
  } catch (err) {
    deps.log.warn("could not enqueue a replay; the drain will find it", { err, deliveryId: input.deliveryId });
  }
  return getDelivery(deps, input);
}
