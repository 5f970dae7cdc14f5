// Deleting signals a page at a time, by a condition: consent withdrawals, evidence retention
// and signal retention all drop signals this way. Each page is one transaction that removes
// the signals, their ids from the ledger (signal_ids), and asks for the touched customers'
// features to be recomputed without them: bounded locks and WAL per step whatever the
// volume, and no customer keeps features built on deleted rows.
import type { PendingQuery, Row } from "postgres";
import type { Deps } from "../deps.ts";
import { enqueueRefresh, requestRefresh } from "../features/refresh.ts";

/** Rows deleted per statement. */
const PAGE = 5_000;

/** `where` is a condition on `signals s`. */
export async function deleteSignals(
  deps: Deps,
  input: { workspaceId: string; at: Date; where: PendingQuery<Row[]> },
): Promise<{ removed: number; customers: number }> {
  const { sql } = deps.database;
  const ws = input.workspaceId;
  let removed = 0;
  const touched = new Set<string>();
  for (;;) {
    const page = await sql.begin(async (tx) => {
      const deleted = await tx<{ customer_id: string }[]>`
        with deleted as (
          delete from signals where workspace_id = ${ws} and (workspace_id, id, occurred_at) in (
            select workspace_id, id, occurred_at from signals s
            where workspace_id = ${ws} and ${input.where}
            limit ${PAGE})
          returning id, customer_id
        ),
        unlisted as (
          delete from signal_ids where workspace_id = ${ws} and id in (select id from deleted)
        )
        select customer_id from deleted`;
      const customers = [...new Set(deleted.map((r) => r.customer_id))].sort();
      await requestRefresh(tx, ws, customers, input.at);
      return { count: deleted.length, customers };
    });
    removed += page.count;
    for (const c of page.customers) touched.add(c);
    if (page.count < PAGE) break;
  }
  if (touched.size > 0) {
    await enqueueRefresh(deps, ws).catch((err: unknown) => deps.log.warn("refresh not queued; the sweep will pick it up", { err }));
  }
  return { removed, customers: touched.size };
}
