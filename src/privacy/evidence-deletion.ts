// Deleting external evidence: consent withdrawals and retention both drop competitor signals
// by a condition, a page at a time (src/signals/deletion.ts).
import type { PendingQuery, Row } from "postgres";
import type { Deps } from "../deps.ts";
import { deleteSignals } from "../signals/deletion.ts";

export function deleteEvidence(
  deps: Deps,
  input: { workspaceId: string; at: Date; where: PendingQuery<Row[]> },
): Promise<{ removed: number; customers: number }> {
  const { sql } = deps.database;
  return deleteSignals(deps, { ...input, where: sql`s.type in ('competitor_app_usage', 'competitor_purchase') and ${input.where}` });
}
