// Group commit for signals. Every request's accepted signals wait for the next flush; a
// flush stores everything waiting — across requests and workspaces — in one transaction,
// then answers each request. Nothing is answered before its rows are committed. When the
// service is idle a flush starts at once, so a lone request waits for nothing; under load,
// the requests that arrive while one flush commits share the next one, and the cost of a
// transaction, identity resolution and the insert is paid once for all of them.
import type postgres from "postgres";
import type { Database } from "../../db/client.ts";
import { competitorIdFor } from "../competitors/competitors.ts";
import { resolveIdentities } from "../customers/identities.ts";
import type { Deps } from "../deps.ts";
import { enqueueRefresh } from "../features/refresh.ts";
import type { ParsedSignal } from "./schema.ts";

export type Accepted = { index: number; signal: ParsedSignal; amount: number | null };
export type StoredItem = { customerId: string; accepted: boolean };

type Pending = {
  deps: Deps;
  workspaceId: string;
  receivedAt: Date;
  items: Accepted[];
  resolve(stored: StoredItem[]): void;
  reject(err: unknown): void;
};

/** Rows per flush; a batch of 1,000 always fits whole. */
const MAX_FLUSH_ROWS = 5_000;
/** Flushes in flight at once, each on its own connection, so PostgreSQL works on several cores. */
const MAX_FLUSHES = 4;

type Writer = { queue: Pending[]; flushing: number };
const writers = new WeakMap<Database, Writer>();

export function storeSignals(deps: Deps, input: { workspaceId: string; receivedAt: Date; items: Accepted[] }): Promise<StoredItem[]> {
  let writer = writers.get(deps.database);
  if (!writer) writers.set(deps.database, (writer = { queue: [], flushing: 0 }));
  const w = writer;
  return new Promise<StoredItem[]>((resolve, reject) => {
    w.queue.push({ deps, ...input, resolve, reject });
    if (w.flushing < MAX_FLUSHES) void flushAll(w);
  });
}

async function flushAll(w: Writer) {
  w.flushing++;
  try {
    while (w.queue.length > 0) {
      let rows = 0;
      let take = 0;
      while (take < w.queue.length && (take === 0 || rows + w.queue[take]!.items.length <= MAX_FLUSH_ROWS)) rows += w.queue[take++]!.items.length;
      const batch = w.queue.splice(0, take);
      try {
        await flush(batch);
      } catch (err) {
        // One request must not fail the others: retry each on its own.
        if (batch.length === 1) batch[0]!.reject(err);
        else for (const p of batch) await flush([p]).catch((e: unknown) => p.reject(e));
      }
    }
  } finally {
    w.flushing--;
  }
}

async function flush(batch: Pending[]) {
  const { deps } = batch[0]!;
  const byWorkspace = new Map<string, Pending[]>();
  for (const p of batch) byWorkspace.set(p.workspaceId, [...(byWorkspace.get(p.workspaceId) ?? []), p]);
  const results = new Map<Pending, StoredItem[]>();
  const touched = new Set<string>();
  await deps.database.sql.begin(async (tx) => {
    for (const [workspaceId, pendings] of byWorkspace) {
      const stored = await storeWorkspace(tx, workspaceId, pendings);
      for (const [p, items] of stored) {
        results.set(p, items);
        if (items.some((i) => i.accepted)) touched.add(workspaceId);
      }
    }
  });
  for (const p of batch) p.resolve(results.get(p)!);
  for (const workspaceId of touched) {
    await enqueueRefresh(deps, workspaceId).catch((err: unknown) => deps.log.warn("refresh not queued; the sweep will pick it up", { err }));
  }
}

async function storeWorkspace(tx: postgres.TransactionSql, workspaceId: string, pendings: Pending[]) {
  const all = pendings.flatMap((p) => p.items);
  const customerOf = await resolveIdentities(
    tx,
    workspaceId,
    all.map((v) => ({ kind: v.signal.identityKind, value: v.signal.customerId })),
  );
  await registerCompetitors(tx, workspaceId, all);
  // The same id from two requests in one flush: the first is stored, the second is a duplicate.
  const first = new Map<string, Accepted>();
  for (const v of all) if (!first.has(v.signal.id)) first.set(v.signal.id, v);
  const receivedAtOf = new Map<Accepted, Date>();
  for (const p of pendings) for (const v of p.items) receivedAtOf.set(v, p.receivedAt);
  const rows = [...first.values()].map((v) => {
    const { signal, amount } = v;
    return {
      id: signal.id,
      customer_id: customerOf(signal.identityKind, signal.customerId),
      identity_kind: signal.identityKind,
      identity_value: signal.customerId,
      type: signal.type,
      occurred_at: signal.occurredAt,
      received_at: receivedAtOf.get(v),
      amount,
      competitor: "competitor" in signal.data ? competitorIdFor(signal.data.competitor) : null,
      source: signal.source ?? null,
      confidence: signal.confidence ?? null,
      period_start: signal.period?.start ?? null,
      period_end: signal.period?.end ?? null,
      consent_basis: signal.consentBasis ?? null,
      data: signal.data as Record<string, unknown>,
    };
  });
  // One statement: insert and request the customers' refresh. The rows travel as one JSON
  // parameter: far cheaper to encode than a parameter per value. customers.last_signal_at is
  // left to the refresh (an update per customer here cost more than the insert itself).
  const inserted = await tx<{ id: string }[]>`
    with inserted as (
      insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, received_at,
        amount, competitor, source, confidence, period_start, period_end, consent_basis, data)
      select ${workspaceId}, r.id, r.customer_id, r.identity_kind, r.identity_value, r.type, r.occurred_at,
        r.received_at, r.amount, r.competitor, r.source, r.confidence, r.period_start, r.period_end, r.consent_basis, r.data
      from jsonb_to_recordset(${tx.json(rows as never)}) as r(id text, customer_id text, identity_kind text, identity_value text,
        type text, occurred_at timestamptz, received_at timestamptz, amount float8, competitor text, source text, confidence float8,
        period_start timestamptz, period_end timestamptz, consent_basis text, data jsonb)
      on conflict (workspace_id, id) do nothing
      returning id, customer_id, received_at
    ),
    newest as (
      select customer_id, max(received_at) as at from inserted group by customer_id
    ),
    requested as (
      insert into refresh_requests (workspace_id, customer_id, requested_at)
      select ${workspaceId}, customer_id, at from newest
      on conflict (workspace_id, customer_id) do update set requested_at = greatest(refresh_requests.requested_at, excluded.requested_at)
    )
    select id from inserted`;
  const insertedIds = new Set(inserted.map((r) => r.id));
  return new Map(
    pendings.map((p) => [
      p,
      p.items.map((v) => ({
        customerId: customerOf(v.signal.identityKind, v.signal.customerId),
        accepted: first.get(v.signal.id) === v && insertedIds.has(v.signal.id),
      })),
    ]),
  );
}

/** Signals naming a competitor the workspace has not registered register it, with its apps. */
async function registerCompetitors(tx: postgres.TransactionSql, workspaceId: string, valid: Accepted[]) {
  const byId = new Map<string, { apps: Set<string>; categories: Set<string> }>();
  for (const { signal } of valid) {
    if (!("competitor" in signal.data)) continue;
    const id = competitorIdFor(signal.data.competitor);
    const entry = byId.get(id) ?? { apps: new Set(), categories: new Set() };
    if ("app" in signal.data) entry.apps.add(signal.data.app);
    if ("category" in signal.data && signal.data.category) entry.categories.add(signal.data.category);
    byId.set(id, entry);
  }
  if (byId.size === 0) return;
  const rows = [...byId].map(([id, e]) => ({
    id,
    apps: [...e.apps].sort(),
    categories: [...e.categories].sort(),
  }));
  // Only ever adds apps and categories; a row a person edited keeps its name.
  await tx`
    insert into competitors (workspace_id, id, name, apps, categories, auto_registered)
    select ${workspaceId}, r.id, r.id,
      array(select jsonb_array_elements_text(r.apps)), array(select jsonb_array_elements_text(r.categories)), true
    from jsonb_to_recordset(${tx.json(rows)}) as r(id text, apps jsonb, categories jsonb)
    on conflict (workspace_id, id) do update set
      apps = array(select distinct unnest(competitors.apps || excluded.apps) order by 1),
      categories = array(select distinct unnest(competitors.categories || excluded.categories) order by 1)
    where not (excluded.apps <@ competitors.apps and excluded.categories <@ competitors.categories)`;
}
