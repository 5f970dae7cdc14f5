// Group commit for signals. Every request's accepted signals wait for the next flush; a
// flush stores everything waiting — across requests — per workspace, then answers each
// request. Nothing is answered before its rows are committed. When the service is idle a
// flush starts at once, so a lone request waits for nothing; under load, the requests that
// arrive while one flush commits share the next one, and the cost of a statement is paid
// once for all of them.
//
// The common case is one statement, committed on its own: every identity is in this
// process's cache and every competitor is known. Otherwise the flush resolves identities,
// registers competitors and inserts in one transaction, and fills the caches afterwards.
import type postgres from "postgres";
import type { Database } from "../../db/client.ts";
import { retryConflicts } from "../../db/retry.ts";
import type { IdentityKind } from "../../db/schema.ts";
import { competitorIdFor } from "../competitors/competitors.ts";
import { resolveIdentities } from "../customers/identities.ts";
import type { Deps } from "../deps.ts";
import { enqueueRefresh } from "../features/refresh.ts";
import { signalDifferences, storedSignals } from "./idempotency.ts";
import type { ParsedSignal } from "./schema.ts";

export type Accepted = { index: number; signal: ParsedSignal; amount: number | null };
/** `differences` is set when the id was stored before with another payload (nothing was stored now). */
export type StoredItem = { customerId: string; accepted: boolean; differences?: string[] };

type Sql = postgres.Sql | postgres.TransactionSql;

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
/** A person may remove an app from a competitor; a signal naming it registers it again after this. */
const KNOWN_COMPETITOR_MS = 60_000;

/**
 * What this process knows of a workspace. Identities only change owner by a merge, and a
 * merge bumps the workspace's identity generation: the cache is used only while the
 * generation it was filled under is current, checked in the storing statement itself.
 */
type WorkspaceCache = {
  generation: number;
  customerOf: Map<string, string>;
  /** `competitor\0app\0category` → until when it counts as registered. */
  competitors: Map<string, number>;
  /** When a refresh was last queued, and the one queued at the end of the throttle window, if any. */
  refreshQueuedAt: number;
  refreshTrailing?: NodeJS.Timeout;
};

type Writer = { queue: Pending[]; flushing: number; workspaces: Map<string, WorkspaceCache> };
const writers = new WeakMap<Database, Writer>();

/** What this process holds in its identity caches, for diagnostics and tests. */
export function cachedIdentities(database: Database) {
  const w = writers.get(database);
  const workspaces = w ? [...w.workspaces.values()].filter((c) => c.customerOf.size > 0) : [];
  return { workspaces: workspaces.length, identities: workspaces.reduce((n, c) => n + c.customerOf.size, 0) };
}

export function storeSignals(deps: Deps, input: { workspaceId: string; receivedAt: Date; items: Accepted[] }): Promise<StoredItem[]> {
  let writer = writers.get(deps.database);
  if (!writer) writers.set(deps.database, (writer = { queue: [], flushing: 0, workspaces: new Map() }));
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
      const byWorkspace = new Map<string, Pending[]>();
      for (const p of batch) byWorkspace.set(p.workspaceId, [...(byWorkspace.get(p.workspaceId) ?? []), p]);
      // Each workspace commits on its own, so one workspace's failure leaves the others answered.
      for (const [workspaceId, pendings] of byWorkspace) {
        try {
          await flush(w, workspaceId, pendings);
        } catch (err) {
          // One request must not fail the others: retry each on its own.
          if (pendings.length === 1) pendings[0]!.reject(err);
          else for (const p of pendings) await flush(w, workspaceId, [p]).catch((e: unknown) => p.reject(e));
        }
      }
    }
  } finally {
    w.flushing--;
  }
}

async function flush(w: Writer, workspaceId: string, pendings: Pending[]) {
  const { deps } = pendings[0]!;
  const stored = await retryConflicts(() => storeWorkspace(w, workspaceId, pendings));
  for (const p of pendings) p.resolve(stored.get(p)!);
  if (![...stored.values()].some((items) => items.some((i) => i.accepted))) return;
  await queueRefresh(deps, workspaceId, cacheOf(w, workspaceId));
}

/**
 * Queues the workspace's refresh, throttled per process: the first flush after a quiet spell
 * queues it at once (an idle workspace's signal is refreshed straight away); flushes within
 * REFRESH_THROTTLE_MS of it share one more, queued when the window ends, so no signal's
 * refresh waits longer than the window for its job. Lost only if the process dies first: the
 * requests are rows, and the sweep finds them.
 */
async function queueRefresh(deps: Deps, workspaceId: string, cache: WorkspaceCache) {
  const enqueue = () => {
    cache.refreshQueuedAt = Date.now();
    return enqueueRefresh(deps, workspaceId).catch((err: unknown) => deps.log.warn("refresh not queued; the sweep will pick it up", { err }));
  };
  const wait = cache.refreshQueuedAt + deps.config.REFRESH_THROTTLE_MS - Date.now();
  if (wait <= 0) return void (await enqueue());
  if (cache.refreshTrailing) return;
  cache.refreshTrailing = setTimeout(() => {
    cache.refreshTrailing = undefined;
    void enqueue();
  }, wait);
  cache.refreshTrailing.unref();
}

/** The workspace's cache, moved to the back of the eviction order (the map's order is use). */
function cacheOf(w: Writer, workspaceId: string): WorkspaceCache {
  let cache = w.workspaces.get(workspaceId);
  if (cache) w.workspaces.delete(workspaceId);
  else cache = { generation: -1, customerOf: new Map(), competitors: new Map(), refreshQueuedAt: 0 };
  w.workspaces.set(workspaceId, cache);
  return cache;
}

const identityKey = (kind: IdentityKind, value: string) => `${kind}\u0000${value}`;

/** The competitor, app and category a signal names, as the registry keys them; null when it names none. */
function competitorKey(signal: ParsedSignal) {
  if (!("competitor" in signal.data)) return null;
  const app = "app" in signal.data ? signal.data.app : "";
  const category = "category" in signal.data ? (signal.data.category ?? "") : "";
  return `${competitorIdFor(signal.data.competitor)}\u0000${app}\u0000${category}`;
}

async function storeWorkspace(w: Writer, workspaceId: string, pendings: Pending[]) {
  const { sql } = pendings[0]!.deps.database;
  const cache = cacheOf(w, workspaceId);
  // Items in request order, each with its request's arrival; everything below is aligned to it.
  const all: Accepted[] = [];
  const receivedAt: number[] = [];
  for (const p of pendings) for (const v of p.items) all.push(v), receivedAt.push(p.receivedAt.getTime());
  // The same id from two requests in one flush: the first is stored, the second is a duplicate.
  const seen = new Set<string>();
  const isFirst = all.map((v) => !seen.has(v.signal.id) && !!seen.add(v.signal.id));

  const now = Date.now();
  let result: { customerIds: string[]; insertedIds: Set<string> } | undefined;
  const cached = cachedCustomerIds(cache, all, now);
  if (cached) {
    const inserted = await insertSignals(sql, workspaceId, signalRows(all, receivedAt, cached, isFirst), cache.generation);
    if (inserted.generation === cache.generation) result = { customerIds: cached, insertedIds: inserted.ids };
    else forget(cache, inserted.generation); // a merge: nothing was stored, resolve afresh
  }
  if (!result) {
    const { generation, ...stored } = await sql.begin(async (tx) => {
      const generation = await identityGeneration(tx, workspaceId);
      // Ids stored before resolve no identity: a duplicate or a conflict creates no customer.
      const known = await storedIds(tx, workspaceId, all.map((v) => v.signal.id));
      const fresh = all.map((v, i) => isFirst[i]! && !known.has(v.signal.id));
      const toStore = all.filter((_, i) => fresh[i]);
      const customerOf = await resolveIdentities(
        tx,
        workspaceId,
        toStore.map((v) => ({ kind: v.signal.identityKind, value: v.signal.customerId })),
      );
      const customerIds = all.map((v, i) => (fresh[i] ? customerOf(v.signal.identityKind, v.signal.customerId) : ""));
      await registerCompetitors(tx, workspaceId, toStore);
      const inserted = await insertSignals(tx, workspaceId, signalRows(all, receivedAt, customerIds, fresh), null);
      return { generation, customerIds, insertedIds: inserted.ids };
    });
    result = stored;
    const fits = makeRoom(w, cache, all.length, pendings[0]!.deps.config.IDENTITY_CACHE_SIZE);
    remember(cache, generation, all, fits ? stored.customerIds : null, now);
  }
  const { customerIds, insertedIds } = result;
  const accepted = all.map((v, i) => isFirst[i]! && insertedIds.has(v.signal.id));
  // Items not stored now were stored before: answered with the stored signal's customer, or
  // as a conflict when the payload differs. Read only when there are some.
  const repeated = all.filter((_, i) => !accepted[i]).map((v) => v.signal.id);
  const before = repeated.length > 0 ? await storedSignals(sql, workspaceId, repeated) : null;
  const answers = new Map<Pending, StoredItem[]>();
  let i = 0;
  for (const p of pendings) {
    answers.set(
      p,
      p.items.map((v) => {
        const index = i++;
        if (accepted[index]) return { customerId: customerIds[index]!, accepted: true };
        const stored = before?.get(v.signal.id);
        if (!stored) return { customerId: customerIds[index] || v.signal.customerId, accepted: false };
        const differences = signalDifferences(v.signal, stored);
        return { customerId: stored.customer_id, accepted: false, ...(differences.length > 0 ? { differences } : {}) };
      }),
    );
  }
  return answers;
}

/** Each item's customer from this process's cache, or null when one identity or competitor is not known there. */
function cachedCustomerIds(cache: WorkspaceCache, all: Accepted[], now: number): string[] | null {
  if (cache.generation < 0) return null;
  const ids: string[] = [];
  for (const { signal } of all) {
    const id = cache.customerOf.get(identityKey(signal.identityKind, signal.customerId));
    if (id === undefined) return null;
    const key = competitorKey(signal);
    if (key !== null && !((cache.competitors.get(key) ?? 0) > now)) return null;
    ids.push(id);
  }
  return ids;
}

function forget(cache: WorkspaceCache, generation: number) {
  cache.generation = generation;
  cache.customerOf.clear();
}

/**
 * Makes room under the process's cap, over all workspaces, for `incoming` more identities:
 * the least recently used workspaces' caches go first, then this one's (a lookup refills
 * them). Many workspaces in one process must not outgrow its heap. False when they cannot fit.
 */
function makeRoom(w: Writer, current: WorkspaceCache, incoming: number, cap: number) {
  let total = incoming;
  for (const c of w.workspaces.values()) total += c.customerOf.size;
  for (const [workspaceId, c] of w.workspaces) {
    if (total <= cap) return true;
    if (c === current) continue;
    total -= c.customerOf.size;
    w.workspaces.delete(workspaceId);
  }
  if (total > cap) current.customerOf.clear();
  return incoming <= cap;
}

/** After a commit: what the transaction resolved and registered, under the generation it read. */
function remember(cache: WorkspaceCache, generation: number, all: Accepted[], customerIds: string[] | null, now: number) {
  if (generation < cache.generation) return; // resolved before a merge another flush already saw
  if (generation > cache.generation) forget(cache, generation);
  if (customerIds) all.forEach(({ signal }, i) => customerIds[i] && cache.customerOf.set(identityKey(signal.identityKind, signal.customerId), customerIds[i]));
  for (const { signal } of all) {
    const key = competitorKey(signal);
    if (key !== null) cache.competitors.set(key, now + KNOWN_COMPETITOR_MS);
  }
}

/**
 * The workspace's identity generation, locked FOR SHARE until the transaction ends: a merge
 * (which bumps it first) waits for this flush to commit, then moves its signals too; a
 * flush that arrives during a merge waits for the merge and resolves against its result.
 */
async function identityGeneration(tx: postgres.TransactionSql, workspaceId: string) {
  const [row] = await tx<{ generation: number }[]>`
    select generation from identity_generations where workspace_id = ${workspaceId} for share`;
  return row?.generation ?? 0;
}

/**
 * The rows as PostgreSQL receives them: short keys, instants in epoch milliseconds, absent
 * values left out. Writing the parameter to the socket was the API process's largest cost;
 * this is about a third of the bytes of full column names with ISO strings and nulls.
 */
function signalRows(all: Accepted[], receivedAt: number[], customerIds: string[], store: boolean[]) {
  const rows = [];
  for (let i = 0; i < all.length; i++) {
    if (!store[i]) continue;
    const { signal, amount } = all[i]!;
    const customerId = customerIds[i]!;
    rows.push({
      i: signal.id,
      c: customerId,
      k: signal.identityKind === "crm_id" ? undefined : signal.identityKind,
      v: signal.customerId === customerId ? undefined : signal.customerId,
      t: signal.type,
      o: signal.occurredAt.getTime(),
      at: receivedAt[i]!,
      a: amount ?? undefined,
      co: "competitor" in signal.data ? competitorIdFor(signal.data.competitor) : undefined,
      s: signal.source,
      cf: signal.confidence,
      ps: signal.period?.start.getTime(),
      pe: signal.period?.end.getTime(),
      cb: signal.consentBasis,
      d: signal.data as Record<string, unknown>,
    });
  }
  return rows;
}

/**
 * One statement: insert and request the customers' refresh. The rows travel as one JSON
 * parameter (see signalRows): far cheaper to encode than a parameter per value. With `generation`, nothing
 * is stored unless the workspace's identity generation is still that one (the customer ids
 * came from the cache). customers.last_signal_at is left to the refresh: an update per
 * customer here cost more than the insert itself.
 *
 * `signals` is partitioned by month and cannot keep (workspace_id, id) unique across months,
 * so the id ledger `signal_ids` decides what is new: its insert takes the ids (on conflict do
 * nothing; a racing insert of the same id waits for the first to commit), and only the ids it
 * returned go into `signals`.
 */
async function insertSignals(sql: Sql, workspaceId: string, rows: ReturnType<typeof signalRows>, generation: number | null) {
  const [row] = await sql<{ generation: number; ids: string[] }[]>`
    with current as (
      -- Locked as in identityGeneration. If a merge holds the row, this waits for it and
      -- reads the bumped generation, so nothing is stored under the cache it made stale.
      select coalesce((select generation from identity_generations where workspace_id = ${workspaceId} for share), 0) as generation
    ),
    rows as (
      select * from jsonb_to_recordset(${sql.json(rows as never)}) as r(i text, c text, k text, v text, t text, o float8, at float8,
        a float8, co text, s text, cf float8, ps float8, pe float8, cb text, d jsonb)
    ),
    fresh as (
      insert into signal_ids (workspace_id, id, occurred_at)
      select ${workspaceId}, r.i, to_timestamp(r.o / 1000) from rows r
      where ${generation}::int is null or ${generation}::int = (select generation from current)
      -- Key order: a retry racing its original with the ids in another order cannot deadlock.
      order by r.i collate "C"
      on conflict (workspace_id, id) do nothing
      returning id
    ),
    inserted as (
      insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, received_at,
        amount, competitor, source, confidence, period_start, period_end, consent_basis, data)
      select ${workspaceId}, r.i, r.c, coalesce(r.k, 'crm_id'), coalesce(r.v, r.c), r.t, to_timestamp(r.o / 1000),
        to_timestamp(r.at / 1000), r.a, r.co, r.s, r.cf, to_timestamp(r.ps / 1000), to_timestamp(r.pe / 1000), r.cb, r.d
      from rows r where r.i in (select id from fresh)
      returning id, customer_id, received_at
    ),
    newest as (
      select customer_id, max(received_at) as at from inserted group by customer_id
    ),
    requested as (
      insert into refresh_requests (workspace_id, customer_id, requested_at)
      select ${workspaceId}, customer_id, at from newest
    )
    select (select generation from current) as generation, array(select id from inserted) as ids`;
  return { generation: row!.generation, ids: new Set(row!.ids) };
}

/** Which of these ids the workspace has stored already (the ledger holds every stored id). */
async function storedIds(tx: postgres.TransactionSql, workspaceId: string, ids: string[]) {
  // Id by id through the primary key (the offset keeps each a lookup): as "id = any(…)" the
  // planner, believing a new workspace small, read every id of the workspace per batch.
  const rows = await tx<{ id: string }[]>`
    select s.id from unnest(${ids}::text[]) as k(id)
    cross join lateral (select s.id from signal_ids s where s.workspace_id = ${workspaceId} and s.id = k.id offset 0) s`;
  return new Set(rows.map((r) => r.id));
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
    order by r.id collate "C"
    on conflict (workspace_id, id) do update set
      apps = array(select distinct unnest(competitors.apps || excluded.apps) order by 1),
      categories = array(select distinct unnest(competitors.categories || excluded.categories) order by 1)
    where not (excluded.apps <@ competitors.apps and excluded.categories <@ competitors.categories)`;
}
