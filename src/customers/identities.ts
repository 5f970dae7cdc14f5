import type postgres from "postgres";
import type { IdentityKind } from "../../db/schema.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
export type IdentityRef = { kind: IdentityKind; value: string };

/** A customer first seen under a non-CRM identifier gets an id that says so. */
export const customerIdForNewIdentity = (ref: IdentityRef) => (ref.kind === "crm_id" ? ref.value : `${ref.kind}:${ref.value}`);

/**
 * Maps identifiers to customers, creating customers seen for the first time. Set-based:
 * three statements whatever the batch size; safe when two batches race on a new customer.
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

  await sql`
    insert into customers (workspace_id, id)
    select ${workspaceId}, n.id
    from unnest(${kinds}::text[], ${values}::text[], ${newIds}::text[]) as n(kind, value, id)
    where not exists (select 1 from customer_identities i where i.workspace_id = ${workspaceId} and i.kind = n.kind and i.value = n.value)
    on conflict do nothing`;
  await sql`
    insert into customer_identities (workspace_id, kind, value, customer_id)
    select ${workspaceId}, n.kind, n.value, n.id
    from unnest(${kinds}::text[], ${values}::text[], ${newIds}::text[]) as n(kind, value, id)
    on conflict do nothing`;
  const rows = await sql<{ kind: string; value: string; customer_id: string }[]>`
    select i.kind, i.value, i.customer_id
    from customer_identities i
    join unnest(${kinds}::text[], ${values}::text[]) as n(kind, value) on n.kind = i.kind and n.value = i.value
    where i.workspace_id = ${workspaceId}`;
  const map = new Map(rows.map((r) => [key(r.kind, r.value), r.customer_id]));
  return (kind, value) => {
    const id = map.get(key(kind, value));
    if (!id) throw new Error(`identity ${kind}/${value} did not resolve`);
    return id;
  };
}
