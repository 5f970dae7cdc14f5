// Enrolling a customer because an alert asked for a campaign. Runs inside the outbox drain's
// transaction. Skipped when the campaign is unknown, outside its active window, not triggered
// by this rule, not for this tier, or the customer is at the campaign's frequency cap; one
// enrollment per (campaign, alert). The arm is a pure function of (campaign, customer), so a
// re-run or another worker always decides the same. Treated customers get the message
// rendered and dispatched through the workspace's webhook endpoints
// (`campaign.enrollment.created`), unless they opted out of the channel; advertising follows
// the market's rules: in Korea "(광고)" first, the opt-out route last, nothing 21:00–08:00
// local time (deferred to 08:00, released by the actions sweep). A workspace-wide cap per
// channel over a sliding window protects customers from fatigue across campaigns.
import { createHash, randomBytes } from "node:crypto";
import type postgres from "postgres";
import type { WorkspaceSettings } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { newId } from "../ids.ts";
import { writeEvent, type OutboxRow } from "../outbox/events.ts";
import { actionSettingsOf } from "../workspaces/settings.ts";
import type { ActionSettings } from "../../db/actions-schema.ts";
import type { CampaignRow } from "./campaigns.ts";
import { nextSendTime } from "./quiet-hours.ts";
import { enrollmentsCreated } from "../metrics/metrics.ts";

/** Deterministic: the first 32 bits of SHA-256(campaign:customer) as a share of 100. */
export function holdoutArm(campaignId: string, customerId: string, holdoutPercent: number): "treated" | "holdout" {
  const h = createHash("sha256").update(`${campaignId}:${customerId}`).digest().readUInt32BE(0);
  return (h / 2 ** 32) * 100 < holdoutPercent ? "holdout" : "treated";
}

/** `{{name}}`, `{{coupon.code}}`, `{{attributes.skinType}}` …; unknown fields render empty. */
export function renderTemplate(template: string, fields: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, path: string) => {
    let v: unknown = fields;
    for (const k of path.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    if (v === undefined || v === null) return "";
    return typeof v === "number" ? v.toLocaleString("en-US") : String(v);
  });
}

type Customer = { id: string; name: string | null; email: string | null; timezone: string | null; attributes: Record<string, unknown> };

/** Why a customer gets no enrollment at all (nothing is written). */
export type SkipReason = "paused" | "inactive" | "not_triggered" | "tier_not_targeted" | "frequency_cap";
/** What enrolling would do now: nothing, the holdout arm, a suppressed send and why, or a send. */
export type EnrollmentDecision =
  | { outcome: "skipped"; reason: SkipReason; tier: string | null }
  | { outcome: "holdout"; tier: string | null }
  | { outcome: "suppressed"; reason: "opted_out" | "channel_cap"; tier: string | null }
  | { outcome: "treated"; tier: string | null };

/**
 * The campaign's gates for this customer, in order, reading only: its state and active window,
 * its triggering rules (when a rule is given), its tiers, its frequency cap, the holdout arm,
 * the customer's consent for the channel and the workspace's cap per channel.
 */
export async function decideEnrollment(
  tx: postgres.TransactionSql,
  input: { campaign: CampaignRow; customerId: string; ruleId: string | null; alertId: string | null; now: Date; settings: ActionSettings },
): Promise<EnrollmentDecision> {
  const { campaign, customerId, now } = input;
  const ws = campaign.workspace_id;
  const [tierRow] = await tx<{ tier: string | null }[]>`
    select coalesce((select tier from alerts where workspace_id = ${ws} and id = ${input.alertId ?? ""}),
                    (select tier from customer_tiers where workspace_id = ${ws} and customer_id = ${customerId})) as tier`;
  const tier = tierRow?.tier ?? null;
  const skip = (reason: SkipReason) => ({ outcome: "skipped" as const, reason, tier });
  if (campaign.status === "paused") return skip("paused");
  if ((campaign.active_from && now < campaign.active_from) || (campaign.active_until && now >= campaign.active_until)) return skip("inactive");
  if (input.ruleId !== null && campaign.trigger_rules.length > 0 && !campaign.trigger_rules.includes(input.ruleId)) return skip("not_triggered");
  if (campaign.tiers.length > 0 && !(tier && campaign.tiers.includes(tier))) return skip("tier_not_targeted");
  const [capRow] = await tx<{ n: number }[]>`
    select count(*)::int as n from enrollments where workspace_id = ${ws} and campaign_id = ${campaign.id} and customer_id = ${customerId}
      and status <> 'suppressed' and enrolled_at > ${new Date(now.getTime() - campaign.cap_days * 86_400_000)}`;
  // Suppressed enrollments (opt-out, channel fatigue) sent nothing and do not count.
  if ((capRow?.n ?? 0) >= campaign.cap_count) return skip("frequency_cap");
  if (holdoutArm(campaign.id, customerId, campaign.holdout_percent) === "holdout") return { outcome: "holdout", tier };
  const [optOut] = await tx`select 1 from channel_opt_outs where workspace_id = ${ws} and customer_id = ${customerId} and channel = ${campaign.channel}`;
  if (optOut) return { outcome: "suppressed", reason: "opted_out", tier };
  const channelCap = input.settings.channelCaps[campaign.channel];
  if (channelCap) {
    // Fatigue across every campaign: messages on this channel sent or waiting to be sent.
    const [sent] = await tx<{ n: number }[]>`
      select count(*)::int as n from enrollments e join campaigns c on c.workspace_id = e.workspace_id and c.id = e.campaign_id
      where e.workspace_id = ${ws} and e.customer_id = ${customerId} and c.channel = ${campaign.channel}
        and e.status in ('dispatched', 'scheduled') and e.enrolled_at > ${new Date(now.getTime() - channelCap.days * 86_400_000)}`;
    if ((sent?.n ?? 0) >= channelCap.count) return { outcome: "suppressed", reason: "channel_cap", tier };
  }
  return { outcome: "treated", tier };
}

/**
 * The message the customer gets: the template rendered with their fields and the coupon, and for
 * advertising in Korea "(광고)" first, the opt-out route last and the send moved out of quiet hours.
 */
export async function composeMessage(
  tx: postgres.TransactionSql,
  input: { campaign: CampaignRow; customerId: string; tier: string | null; now: Date; settings: ActionSettings; couponCode: string | null },
) {
  const { campaign, customerId, tier, now, settings, couponCode } = input;
  const [customer] = await tx<Customer[]>`select id, name, email, timezone, attributes from customers where workspace_id = ${campaign.workspace_id} and id = ${customerId}`;
  const timezone = customer?.timezone ?? settings.defaultTimezone;
  const sendAt = campaign.advertising ? nextSendTime(now, timezone, settings.quietHours) : now;
  const coupon = campaign.coupon
    ? { code: couponCode, value: campaign.coupon.value, kind: campaign.coupon.kind, expiresAt: new Date(sendAt.getTime() + campaign.coupon.expiresInDays * 86_400_000).toISOString() }
    : null;
  const fields = { customerId, name: customer?.name ?? "", email: customer?.email ?? "", tier, attributes: customer?.attributes ?? {}, coupon };
  const korea = settings.market === "KR" && campaign.advertising;
  let title = campaign.template.title !== undefined ? renderTemplate(campaign.template.title, fields) : null;
  let body = renderTemplate(campaign.template.body, fields);
  if (korea) {
    if (title !== null) title = `(광고) ${title}`;
    else body = `(광고) ${body}`;
    body = `${body}\n무료수신거부 ${settings.optOutRoute}`;
  }
  const message = { title, body, channel: campaign.channel, advertising: campaign.advertising, optOutRoute: campaign.advertising ? settings.optOutRoute : null };
  return { message, coupon, sendAt, timezone, customer: { id: customerId, name: customer?.name ?? null, email: customer?.email ?? null, timezone, tier } };
}

export async function enrollFromOutbox(deps: Deps, tx: postgres.TransactionSql, row: OutboxRow): Promise<void> {
  const ws = row.workspace_id;
  const p = row.payload as { alertId?: string; customerId?: string; campaign?: string; ruleId?: string };
  const now = deps.clock();
  const customerId = p.customerId ?? row.customer_id;
  if (!customerId || !p.campaign) return;
  const [campaign] = await tx<CampaignRow[]>`select * from campaigns where workspace_id = ${ws} and (slug = ${p.campaign} or id = ${p.campaign})`;
  const skip = (reason: string) => deps.log.info("no enrollment", { workspaceId: ws, campaign: p.campaign, customerId, reason });
  if (!campaign) return skip("unknown campaign");
  // One enroller per customer at a time, so the cap holds under concurrent drains.
  await tx`select pg_advisory_xact_lock(hashtext('enroll'), hashtext(${`${ws}:${customerId}`}))`;
  const alertId = p.alertId ?? `row-${row.id}`;
  const [already] = await tx`select 1 from enrollments where workspace_id = ${ws} and campaign_id = ${campaign.id} and alert_id = ${alertId}`;
  if (already) return;
  const [wsRow] = await tx<{ settings: WorkspaceSettings }[]>`select settings from workspaces where id = ${ws}`;
  const settings = actionSettingsOf(wsRow!.settings);
  // A rule must be one of the campaign's triggering rules; a row without one matches none.
  const decision = await decideEnrollment(tx, { campaign, customerId, ruleId: p.ruleId ?? "", alertId: p.alertId ?? null, now, settings });
  // The alert shows why (see campaignsOfAlerts); the outbox row is done either way.
  if (decision.outcome === "skipped") return skip(decision.reason);

  const id = newId("enr");
  if (decision.outcome === "holdout") {
    await tx`
      insert into enrollments (workspace_id, id, campaign_id, customer_id, alert_id, rule_id, arm, status, enrolled_at)
      values (${ws}, ${id}, ${campaign.id}, ${customerId}, ${alertId}, ${p.ruleId ?? null}, 'holdout', 'held', ${now})`;
    enrollmentsCreated.inc({ arm: "holdout" });
    return;
  }
  if (decision.outcome === "suppressed") {
    await tx`
      insert into enrollments (workspace_id, id, campaign_id, customer_id, alert_id, rule_id, arm, status, suppressed_reason, enrolled_at)
      values (${ws}, ${id}, ${campaign.id}, ${customerId}, ${alertId}, ${p.ruleId ?? null}, 'treated', 'suppressed', ${decision.reason}, ${now})`;
    enrollmentsCreated.inc({ arm: "treated" });
    return;
  }
  const couponCode = campaign.coupon ? await nextCouponCode(tx, campaign) : null;
  const { message, coupon, sendAt, customer } = await composeMessage(tx, { campaign, customerId, tier: decision.tier, now, settings, couponCode });
  const due = sendAt <= now;
  await tx`
    insert into enrollments (workspace_id, id, campaign_id, customer_id, alert_id, rule_id, arm, status, message, coupon_code, enrolled_at, send_at, dispatched_at)
    values (${ws}, ${id}, ${campaign.id}, ${customerId}, ${alertId}, ${p.ruleId ?? null}, 'treated', ${due ? "dispatched" : "scheduled"},
      ${tx.json({ ...message, coupon, customer })},
      ${couponCode}, ${now}, ${sendAt}, ${due ? now : null})`;
  enrollmentsCreated.inc({ arm: "treated" });
  if (due) await dispatchEnrollment(tx, { workspaceId: ws, enrollmentId: id, at: now });
}

export async function nextCouponCode(tx: postgres.TransactionSql, campaign: CampaignRow): Promise<string> {
  const pool = campaign.coupon?.codes ?? [];
  if (pool.length > 0) {
    const [free] = await tx<{ code: string }[]>`
      select code from unnest(${pool}::text[]) with ordinality as p(code, i)
      where not exists (select 1 from enrollments e where e.workspace_id = ${campaign.workspace_id} and e.campaign_id = ${campaign.id} and e.coupon_code = p.code)
      order by i limit 1`;
    if (free) return free.code;
  }
  return `${campaign.coupon?.prefix ?? "RW"}-${randomBytes(5).toString("hex").toUpperCase()}`;
}

/** Writes the campaign.enrollment.created event: everything the CRM needs to send the message. */
async function dispatchEnrollment(tx: postgres.TransactionSql, input: { workspaceId: string; enrollmentId: string; at: Date }) {
  const [e] = await tx<
    { id: string; campaign_id: string; customer_id: string; alert_id: string | null; rule_id: string | null; message: Record<string, unknown>; enrolled_at: Date; send_at: Date | null; slug: string; name: string; attribution_days: number }[]
  >`
    select e.id, e.campaign_id, e.customer_id, e.alert_id, e.rule_id, e.message, e.enrolled_at, e.send_at, c.slug, c.name, c.attribution_days
    from enrollments e join campaigns c on c.workspace_id = e.workspace_id and c.id = e.campaign_id
    where e.workspace_id = ${input.workspaceId} and e.id = ${input.enrollmentId}`;
  if (!e) return;
  const { customer, coupon, ...message } = e.message;
  await writeEvent(tx, {
    workspaceId: input.workspaceId,
    key: `campaign.enrollment.created:${e.id}`,
    type: "campaign.enrollment.created",
    at: input.at,
    alertId: e.alert_id,
    customerId: e.customer_id,
    data: {
      enrollmentId: e.id,
      campaign: { id: e.campaign_id, slug: e.slug, name: e.name },
      customer,
      alertId: e.alert_id,
      ruleId: e.rule_id,
      arm: "treated",
      message,
      coupon,
      enrolledAt: e.enrolled_at.toISOString(),
      sendAt: (e.send_at ?? input.at).toISOString(),
      attributionEndsAt: new Date(e.enrolled_at.getTime() + e.attribution_days * 86_400_000).toISOString(),
    },
  });
}

/** Sends whose quiet hours are over: dispatched now, set-based across workspaces. */
export async function releaseDueEnrollments(deps: Deps): Promise<number> {
  const now = deps.clock();
  return deps.database.sql.begin(async (tx) => {
    const due = await tx<{ workspace_id: string; id: string }[]>`
      update enrollments set status = 'dispatched', dispatched_at = ${now}
      where (workspace_id, id) in (
        select workspace_id, id from enrollments where status = 'scheduled' and send_at <= ${now}
        order by send_at limit 1000 for update skip locked)
      returning workspace_id, id`;
    for (const e of due) await dispatchEnrollment(tx, { workspaceId: e.workspace_id, enrollmentId: e.id, at: now });
    return due.length;
  });
}
