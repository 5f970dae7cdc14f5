// Retention of external evidence: a workspace keeps each provider's competitor signals for as
// many days as its `evidenceRetentionDays` says (`default` for providers it does not name;
// absent means kept), counted from the end of the evidence's period. A scheduled job deletes
// what has aged out, daily; running it twice deletes nothing more.
import { recordAudit } from "../audit/audit.ts";
import type { Deps } from "../deps.ts";
import { fanOutToWorkspaces } from "../scores/schedules.ts";
import { deleteEvidence } from "./evidence-deletion.ts";
import type { WorkspaceSettings } from "../../db/schema.ts";

export async function enforceEvidenceRetention(deps: Deps, input: { workspaceId: string }) {
  const { sql } = deps.database;
  const ws = input.workspaceId;
  const [row] = await sql<{ settings: WorkspaceSettings }[]>`select settings from workspaces where id = ${ws}`;
  const retention = row?.settings.evidenceRetentionDays;
  if (!retention || Object.keys(retention).length === 0) return { workspaceId: ws, signalsRemoved: 0, customersAffected: 0 };
  const at = deps.clock();
  const days = sql`coalesce((${sql.json(retention as never)}::jsonb ->> s.source)::int, (${sql.json(retention as never)}::jsonb ->> 'default')::int)`;
  const { removed, customers } = await deleteEvidence(deps, {
    workspaceId: ws,
    at,
    where: sql`coalesce(s.period_end, s.occurred_at) < ${at}::timestamptz - make_interval(days => ${days})`,
  });
  if (removed > 0) {
    await recordAudit(sql, {
      workspaceId: ws,
      at,
      actor: "retention",
      action: "evidence.expired",
      entityType: "workspace",
      entityId: ws,
      detail: { signals: removed, customers, retention },
    });
  }
  return { workspaceId: ws, signalsRemoved: removed, customersAffected: customers };
}

/** The daily fan-out: one job per workspace that sets a retention (once a day, as every scheduled fan-out). */
export function enforceAllEvidenceRetention(deps: Deps) {
  return fanOutToWorkspaces(deps, "enforceEvidenceRetention", {
    only: deps.database.sql`jsonb_typeof(settings -> 'evidenceRetentionDays') = 'object'`,
  });
}
