// A workspace's stored signals as a replay source, oldest first, a page at a time (keyset
// on occurred_at, id): the history a marketer's replay runs over. Each becomes the
// `POST /v1/signals` item it was (on the customer it landed on, merges applied).
import type { SignalRow } from "../../db/signal-row.ts";
import type { Deps } from "../deps.ts";
import { BATCH, type SignalSource } from "./source.ts";

type Row = Omit<SignalRow, "identity_kind" | "identity_value" | "received_at" | "amount">;

export function workspaceSource(deps: Pick<Deps, "database">, workspaceId: string, options: { to: Date }): SignalSource {
  const sql = deps.database.sql;
  let after: { at: Date; id: string } | null = null;
  let held: Row[] = [];
  let done = false;
  const nextPage = async () => {
    const rows: Row[] = await sql<Row[]>`
      select id, customer_id, type, occurred_at, source, confidence, period_start, period_end, consent_basis, data
      from signals
      where workspace_id = ${workspaceId} and occurred_at <= ${options.to}
        ${after ? sql`and (occurred_at, id) > (${after.at}, ${after.id})` : sql``}
      order by occurred_at, id limit ${BATCH}`;
    if (rows.length < BATCH) done = true;
    if (rows.length > 0) after = { at: rows.at(-1)!.occurred_at, id: rows.at(-1)!.id };
    return rows;
  };
  return {
    async *take(until) {
      for (;;) {
        if (held.length === 0) {
          if (done) return;
          held = await nextPage();
          if (held.length === 0) return;
        }
        const n = held.findIndex((r) => r.occurred_at.getTime() > until);
        const ready = n === -1 ? held : held.slice(0, n);
        held = n === -1 ? [] : held.slice(n);
        if (ready.length > 0) yield ready.map((r) => ({ line: null, signal: asItem(r) }));
        if (n !== -1) return;
      }
    },
  };
}

function asItem(r: Row) {
  return {
    id: r.id,
    customerId: r.customer_id,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    data: r.data,
    ...(r.source !== null ? { source: r.source } : {}),
    ...(r.confidence !== null ? { confidence: r.confidence } : {}),
    ...(r.consent_basis !== null ? { consentBasis: r.consent_basis } : {}),
    ...(r.period_start && r.period_end ? { period: { start: r.period_start.toISOString(), end: r.period_end.toISOString() } } : {}),
  };
}
