import type postgres from "postgres";
import type { IdentityKind } from "../../db/schema.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
export type IdentityRef = { kind: IdentityKind; value: string };

/** A customer first seen under a non-CRM identifier gets an id that says so. */
export const customerIdForNewIdentity = (ref: IdentityRef) => (ref.kind === "crm_id" ? ref.value : `${ref.kind}:${ref.value}`);

/**
 * Maps identifiers to customers, creating customers seen for the first time. Set-based:
 * a lookup, and one more statement when some are new; safe when two batches race on a new customer.
 * New rows are inserted in key order, so batches naming the same new customers in any order
 * lock them in the same order and cannot deadlock each other.
 */
export async function resolveIdentities(
  sql: Sql,
  workspaceId: string,
  refs: readonly IdentityRef[],
): Promise<(kind: IdentityKind, value: string) => string> {
  const key = (k: string, v: string) => `${k}\u0000${v}`;
  const unique = new Map(refs.map((r) => [key(r.kind, r.value), r]));
  const kinds = [...unique.values()].map((r) => r.kind);
  const values = [...unique.values()].map((r) => r.value);
  const newIds = [...unique.values()].map(customerIdForNewIdentity);

  const lookup = () => sql<{ kind: string; value: string; customer_id: string }[]>`
    select i.kind, i.value, i.customer_id
    from customer_identities i
    join unnest(${kinds}::text[], ${values}::text[]) as n(kind, value) on n.kind = i.kind and n.value = i.value
    where i.workspace_id = ${workspaceId}`;
  // The common case: every identifier is known, one plain lookup.
  let rows = await lookup();
  if (rows.length < unique.size) rows = await createMissing();
  if (rows.length < unique.size) {
    // Another batch created some of them concurrently; they are committed now, read them.
    rows = await lookup();
  }
  const map = new Map(rows.map((r) => [key(r.kind, r.value), r.customer_id]));
  return (kind, value) => {
    const id = map.get(key(kind, value));
    if (!id) throw new Error(`identity ${kind}/${value} did not resolve`);
    return id;
  };

  /** Existing identities plus the customers and identities this statement creates. */
  function createMissing() {
    return sql<{ kind: string; value: string; customer_id: string }[]>`
    with n as (select * from unnest(${kinds}::text[], ${values}::text[], ${newIds}::text[]) as n(kind, value, id)),
    existing as (
      select i.kind, i.value, i.customer_id from customer_identities i
      join n on n.kind = i.kind and n.value = i.value
      where i.workspace_id = ${workspaceId}
    ),
    missing as (select n.* from n where not exists (select 1 from existing e where e.kind = n.kind and e.value = n.value)),
    new_customers as (
      insert into customers (workspace_id, id) select ${workspaceId}, id from missing order by id collate "C" on conflict do nothing
    ),
    new_identities as (
      insert into customer_identities (workspace_id, kind, value, customer_id)
      select ${workspaceId}, kind, value, id from missing order by kind collate "C", value collate "C" on conflict do nothing
      returning kind, value, customer_id
    )
    select * from existing union all select * from new_identities`;
  }
}
