// A customer's campaign enrollments, newest first, for their page: which campaign, which arm,
// what became of the message (scheduled, dispatched, held, suppressed and why) and what it said.
import type { CampaignChannel, EnrollmentArm, EnrollmentStatus } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";

type Row = {
  id: string;
  campaign_id: string;
  slug: string;
  name: string;
  channel: CampaignChannel;
  alert_id: string | null;
  rule_id: string | null;
  arm: EnrollmentArm;
  status: EnrollmentStatus;
  suppressed_reason: string | null;
  message: { title?: string | null; body?: string } | null;
  enrolled_at: Date;
  send_at: Date | null;
  dispatched_at: Date | null;
};

export async function listCustomerEnrollments(deps: Deps, input: { workspaceId: string; customerId: string; limit: number }) {
  const rows = await deps.database.sql<Row[]>`
    select e.id, e.campaign_id, c.slug, c.name, c.channel, e.alert_id, e.rule_id, e.arm, e.status, e.suppressed_reason, e.message,
      e.enrolled_at, e.send_at, e.dispatched_at
    from enrollments e join campaigns c on c.workspace_id = e.workspace_id and c.id = e.campaign_id
    where e.workspace_id = ${input.workspaceId} and e.customer_id = ${input.customerId}
    order by e.enrolled_at desc, e.id desc
    limit ${input.limit}`;
  return {
    enrollments: rows.map((r) => ({
      id: r.id,
      campaign: { id: r.campaign_id, slug: r.slug, name: r.name, channel: r.channel },
      alertId: r.alert_id?.startsWith("row-") ? null : r.alert_id,
      ruleId: r.rule_id,
      arm: r.arm,
      status: r.status,
      suppressedReason: r.suppressed_reason,
      // The text only: the stored message also copies the customer's contact details.
      message: r.message ? { title: r.message.title ?? null, body: r.message.body ?? "" } : null,
      enrolledAt: r.enrolled_at.toISOString(),
      sendAt: r.send_at?.toISOString() ?? null,
      dispatchedAt: r.dispatched_at?.toISOString() ?? null,
    })),
  };
}
