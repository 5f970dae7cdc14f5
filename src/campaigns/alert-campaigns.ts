// What became of the campaigns an alert's rules asked for, shown on the alert: enrolled
// (and in which arm), waiting for the outbox drain, or not enrolled and why — a paused
// campaign says where to enable it, so a new workspace's starter campaigns are not a mystery.
import type { Locale } from "../../rules/index.ts";
import type { WorkspaceSettings } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { localeOf } from "../workspaces/locale.ts";
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
  if (rows.length === 0) return out;
  // The notes are read by people: in the workspace's language.
  const [ws] = await deps.database.sql<{ settings: WorkspaceSettings }[]>`select settings from workspaces where id = ${input.workspaceId}`;
  const locale = ws ? localeOf(ws.settings) : "en";
  for (const r of rows) out.get(r.alert_id)?.push(describe(r, locale));
  return out;
}

const notes = {
  en: {
    unknown: (slug: string) => `no campaign ${slug} in this workspace: create it or change the rule's actions.campaign`,
    notEnrolled: "outside the campaign's window, tiers, triggering rules or frequency cap when the alert asked",
  },
  ko: {
    unknown: (slug: string) => `이 워크스페이스에 캠페인 ${slug}이(가) 없음: 캠페인을 만들거나 규칙의 actions.campaign을 바꾸세요`,
    notEnrolled: "알림 당시 캠페인의 기간, 대상 등급, 트리거 규칙 또는 발송 빈도 제한에 맞지 않음",
  },
} as const satisfies Record<Locale, unknown>;

function describe(r: Row, locale: Locale): AlertCampaign {
  const base = { campaign: r.slug };
  if (r.arm) return { ...base, status: "enrolled", arm: r.arm, enrollmentStatus: r.enrollment_status ?? undefined };
  if (r.campaign_status === null) return { ...base, status: "unknown", note: notes[locale].unknown(r.slug) };
  if (r.campaign_status === "paused") return { ...base, status: "paused", note: pausedCampaignNote(r.slug, locale) };
  if (!r.processed) return { ...base, status: "pending" };
  return { ...base, status: "not_enrolled", note: notes[locale].notEnrolled };
}
