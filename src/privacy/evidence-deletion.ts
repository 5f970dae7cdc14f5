// Deleting external evidence a page at a time: consent withdrawals and retention both drop
// competitor signals by a condition. Each page is one transaction that also asks for the
// touched customers' features to be recomputed without them, so bounded locks and WAL per
// step whatever the provider's volume, and no customer keeps features built on deleted rows.
import type { PendingQuery, Row } from "postgres";
import type { Deps } from "../deps.ts";
import { enqueueRefresh, requestRefresh } from "../features/refresh.ts";

/** Rows deleted per statement. */
const PAGE = 5_000;

export async function deleteEvidence(
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
        delete from signals where workspace_id = ${ws} and (workspace_id, id) in (
          select workspace_id, id from signals s
          where workspace_id = ${ws} and type in ('competitor_app_usage', 'competitor_purchase') and ${input.where}
          limit ${PAGE})
        returning customer_id`;
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
