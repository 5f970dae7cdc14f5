// Retention of signals: a workspace that sets `signalRetentionDays` keeps each signal that
// many days from its occurredAt. Whole months go by dropping their partition once no
// workspace keeps them (src/signals/partitions.ts); this deletes the rest row by row, for a
// workspace that keeps less than others still need. Queued daily by the partition
// maintenance; running it twice deletes nothing more.
import { recordAudit } from "../audit/audit.ts";
import type { Deps } from "../deps.ts";
import type { WorkspaceSettings } from "../../db/schema.ts";
import { deleteSignals } from "./deletion.ts";

export async function enforceSignalRetention(deps: Deps, input: { workspaceId: string }) {
  const { sql } = deps.database;
  const ws = input.workspaceId;
  const [row] = await sql<{ settings: WorkspaceSettings }[]>`select settings from workspaces where id = ${ws}`;
  const days = row?.settings.signalRetentionDays;
  if (typeof days !== "number") return { workspaceId: ws, signalsRemoved: 0, customersAffected: 0 };
  const at = deps.clock();
  const before = new Date(at.getTime() - days * 86_400_000);
  const { removed, customers } = await deleteSignals(deps, { workspaceId: ws, at, where: sql`s.occurred_at < ${before}` });
  if (removed > 0) {
    await recordAudit(sql, {
      workspaceId: ws,
      at,
      actor: "retention",
      action: "signals.expired",
      entityType: "workspace",
      entityId: ws,
      detail: { signals: removed, customers, before: before.toISOString(), days },
    });
  }
  return { workspaceId: ws, signalsRemoved: removed, customersAffected: customers };
}
