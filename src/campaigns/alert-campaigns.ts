// What became of the campaigns an alert's rules asked for, shown on the alert: enrolled
// (and in which arm), waiting for the outbox drain, or not enrolled and why — a paused
// campaign says where to enable it, so a new workspace's starter campaigns are not a mystery.
import type { Deps } from "../deps.ts";
import { pausedCampaignNote } from "./starter-campaigns.ts";

export type AlertCampaign = {
  campaign: string;
  status: "enrolled" | "pending" | "paused" | "unknown" | "not_enrolled";
  arm?: string;
  enrollmentStatus?: string;
  note?: string;
};

type Row = { alert_id: string; slug: string; processed: boolean; campaign_status: string | null; arm: string | null; enrollment_status: string | null };

/** Per alert id, its campaign requests in the order they were made (one query for a page of alerts). */
export async function campaignsOfAlerts(deps: Pick<Deps, "database">, input: { workspaceId: string; alertIds: string[] }) {
  const out = new Map<string, AlertCampaign[]>(input.alertIds.map((id) => [id, []]));
  if (input.alertIds.length === 0) return out;
  const rows = await deps.database.sql<Row[]>`
    select o.alert_id, o.payload->>'campaign' as slug, o.processed_at is not null as processed, c.status as campaign_status,
      e.arm, e.status as enrollment_status
    from outbox o
    left join campaigns c on c.workspace_id = o.workspace_id and (c.slug = o.payload->>'campaign' or c.id = o.payload->>'campaign')
    left join enrollments e on e.workspace_id = o.workspace_id and e.campaign_id = c.id and e.alert_id = o.alert_id
    where o.workspace_id = ${input.workspaceId} and o.kind = 'campaign.enroll' and o.alert_id = any(${input.alertIds}::text[])
    order by o.id`;
  for (const r of rows) out.get(r.alert_id)?.push(describe(r));
  return out;
}

function describe(r: Row): AlertCampaign {
  const base = { campaign: r.slug };
  if (r.arm) return { ...base, status: "enrolled", arm: r.arm, enrollmentStatus: r.enrollment_status ?? undefined };
  if (r.campaign_status === null) return { ...base, status: "unknown", note: `no campaign ${r.slug} in this workspace: create it or change the rule's actions.campaign` };
  if (r.campaign_status === "paused") return { ...base, status: "paused", note: pausedCampaignNote(r.slug) };
  if (!r.processed) return { ...base, status: "pending" };
  return { ...base, status: "not_enrolled", note: "outside the campaign's window, tiers, triggering rules or frequency cap when the alert asked" };
}
