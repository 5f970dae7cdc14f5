// A purchase history from a file (CDNOW or CSV) into a workspace, as purchase signals through
// the ordinary ingest path, a batch at a time. Each row's signal id is derived from the
// customer, the day and the row's place among that customer's rows of that day, so importing
// the same file again (or a longer version of it) stores nothing twice.
import { createHash } from "node:crypto";
import type { Deps } from "../deps.ts";
import { formatDay, type TransactionTable } from "../model/index.ts";
import { MAX_BATCH, type SignalBatchResult } from "../signals/schema.ts";
import { ingestSignals } from "../signals/ingest.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";

export type ImportResult = {
  rows: number;
  customers: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first few rejections, with the row they came from. */
  errors: { row: number; id: string | null; errors: { path: string; message: string }[] }[];
  ms: number;
};

/** `imp_` + SHA-1 of (customer, day, n-th row of that customer and day). */
export function importedSignalId(customerId: string, day: number, occurrence: number): string {
  return `imp_${createHash("sha1").update(`${customerId}\u0000${day}\u0000${occurrence}`).digest("hex")}`;
}

export async function importTransactions(
  deps: Deps,
  input: { workspaceId: string; transactions: TransactionTable; batchSize?: number; onBatch?: (done: number, total: number) => void },
): Promise<ImportResult> {
  const started = performance.now();
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const batchSize = Math.min(input.batchSize ?? MAX_BATCH, MAX_BATCH);
  const t = input.transactions;
  const n = t.day.length;
  const occurrences = new Map<string, number>();
  const customers = new Set<string>();
  const result: ImportResult = { rows: n, customers: 0, accepted: 0, duplicates: 0, rejected: 0, errors: [], ms: 0 };

  for (let from = 0; from < n; from += batchSize) {
    const to = Math.min(n, from + batchSize);
    const items = [];
    for (let i = from; i < to; i++) {
      const customerId = t.customerId[i]!;
      const day = t.day[i]!;
      const key = `${customerId}\u0000${day}`;
      const occurrence = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, occurrence);
      customers.add(customerId);
      const id = importedSignalId(customerId, day, occurrence);
      items.push({
        id,
        customerId,
        type: "purchase",
        // Files give days; the signal is stamped at noon UTC of that day.
        occurredAt: `${formatDay(day)}T12:00:00.000Z`,
        data: { orderId: id, amount: t.amount[i]!, currency: settings.currency },
      });
    }
    const batch: SignalBatchResult = await ingestSignals(deps, { workspaceId: input.workspaceId, items, settings });
    result.accepted += batch.accepted;
    result.duplicates += batch.duplicates;
    result.rejected += batch.rejected;
    for (const r of batch.results) {
      if (r.status === "rejected" && result.errors.length < 10) result.errors.push({ row: from + r.index + 1, id: r.id, errors: r.errors ?? [] });
    }
    input.onBatch?.(to, n);
  }
  result.customers = customers.size;
  result.ms = Math.round(performance.now() - started);
  return result;
}
