// Idempotency like Stripe's: a signal id names one payload. The same id again with the same
// payload is a duplicate, answered with the customer the stored signal belongs to; with a
// different payload it is a conflict naming the fields that differ, and nothing is stored.
import { isDeepStrictEqual } from "node:util";
import type postgres from "postgres";
import type { SignalRow } from "../../db/signal-row.ts";
import type { ParsedSignal } from "./schema.ts";

export type StoredSignal = Omit<SignalRow, "received_at" | "amount">;

/** The stored signals under these ids (one statement; only called when some item was not new). */
export async function storedSignals(sql: postgres.Sql, workspaceId: string, ids: string[]): Promise<Map<string, StoredSignal>> {
  const rows = await sql<StoredSignal[]>`
    select s.* from unnest(${ids}::text[]) as k(id)
    -- The ledger names the id's occurred_at, so each lookup reads one month's partition.
    cross join lateral (select l.occurred_at from signal_ids l where l.workspace_id = ${workspaceId} and l.id = k.id offset 0) l
    cross join lateral (
      -- A lookup per id through the primary key, whatever the planner believes of the workspace's size.
      select id, customer_id, identity_kind, identity_value, type, occurred_at, source, confidence, period_start, period_end, consent_basis, data
      from signals s where s.workspace_id = ${workspaceId} and s.id = k.id and s.occurred_at = l.occurred_at
      offset 0
    ) s`;
  return new Map(rows.map((r) => [r.id, r]));
}

const time = (d: Date | null | undefined) => (d ? d.getTime() : null);

/** The fields of `sent` that differ from what is stored under its id, as paths below the item. */
export function signalDifferences(sent: ParsedSignal, stored: StoredSignal): string[] {
  const diff: string[] = [];
  if (sent.customerId !== stored.identity_value) diff.push("customerId");
  if (sent.identityKind !== stored.identity_kind) diff.push("identityKind");
  if (sent.type !== stored.type) diff.push("type");
  if (sent.occurredAt.getTime() !== stored.occurred_at.getTime()) diff.push("occurredAt");
  if ((sent.source ?? null) !== stored.source) diff.push("source");
  if ((sent.confidence ?? null) !== (stored.confidence === null ? null : Number(stored.confidence))) diff.push("confidence");
  if (time(sent.period?.start) !== time(stored.period_start) || time(sent.period?.end) !== time(stored.period_end)) diff.push("period");
  if ((sent.consentBasis ?? null) !== stored.consent_basis) diff.push("consentBasis");
  const data = sent.data as Record<string, unknown>;
  for (const key of new Set([...Object.keys(data), ...Object.keys(stored.data)]).values()) {
    if (!isDeepStrictEqual(data[key], stored.data[key])) diff.push(`data.${key}`);
  }
  return diff;
}

/** The same comparison between two items of one batch that share an id. */
export function parsedDifferences(sent: ParsedSignal, first: ParsedSignal): string[] {
  return signalDifferences(sent, {
    id: first.id,
    customer_id: "",
    identity_kind: first.identityKind,
    identity_value: first.customerId,
    type: first.type,
    occurred_at: first.occurredAt,
    source: first.source ?? null,
    confidence: first.confidence ?? null,
    period_start: first.period?.start ?? null,
    period_end: first.period?.end ?? null,
    consent_basis: first.consentBasis ?? null,
    data: first.data as Record<string, unknown>,
  });
}
