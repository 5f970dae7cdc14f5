// Retention campaigns: what to send (channel, template with customer fields, coupon), to whom
// (trigger rules, tiers, active window), how often (a cap per customer) and how to measure it
// (a holdout share and an attribution window). Stats are computed from the enrollments and
// the customers' own purchase signals, so they are always current.
import { z } from "zod";
import { campaignChannels, campaignStatuses, type CampaignChannel, type CampaignStatus, type CampaignCoupon, type CampaignTemplate } from "../../db/actions-schema.ts";
import { tierNames } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { instant } from "../input/instant.ts";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "lower-case letters, digits and dashes");
const templateSchema = z.strictObject({ title: z.string().max(200).optional(), body: z.string().min(1).max(2000) });
const couponSchema = z.strictObject({
  /** A pool of codes handed out in order; when it runs dry, codes are generated. */
  codes: z.array(z.string().min(1).max(100)).max(100_000).optional(),
  prefix: z.string().regex(/^[A-Z0-9-]{1,20}$/).optional(),
  value: z.number().positive(),
  kind: z.enum(["amount", "percent"]).default("amount"),
  expiresInDays: z.number().int().min(1).max(365).default(14),
});
const datetime = instant;

export const campaignCreateSchema = z
  .strictObject({
    slug,
    name: z.string().trim().min(1).max(200),
    channel: z.enum(campaignChannels),
    /** paused: alerts enroll nobody until it is set active. */
    status: z.enum(campaignStatuses).default("active"),
    template: templateSchema,
    coupon: couponSchema.nullable().default(null),
    triggerRules: z.array(z.string().min(1).max(100)).max(100).default([]),
    tiers: z.array(z.enum(tierNames)).max(tierNames.length).default([]),
    holdoutPercent: z.number().min(0).max(100).default(10),
    frequencyCap: z.strictObject({ count: z.number().int().min(1).max(100), days: z.number().int().min(1).max(365) }).default({ count: 1, days: 30 }),
    attributionDays: z.number().int().min(1).max(180).default(14),
    advertising: z.boolean().default(true),
    activeFrom: datetime.nullable().default(null),
    activeUntil: datetime.nullable().default(null),
  })
  .meta({ id: "CampaignCreate" });

export const campaignPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    status: z.enum(campaignStatuses),
    template: templateSchema,
    coupon: couponSchema.nullable(),
    triggerRules: z.array(z.string().min(1).max(100)).max(100),
    tiers: z.array(z.enum(tierNames)).max(tierNames.length),
    holdoutPercent: z.number().min(0).max(100),
    frequencyCap: z.strictObject({ count: z.number().int().min(1).max(100), days: z.number().int().min(1).max(365) }),
    attributionDays: z.number().int().min(1).max(180),
    advertising: z.boolean(),
    activeFrom: datetime.nullable(),
    activeUntil: datetime.nullable(),
  })
  .partial()
  .meta({ id: "CampaignPatch" });

export type CampaignRow = {
  workspace_id: string;
  id: string;
  slug: string;
  name: string;
  channel: CampaignChannel;
  status: CampaignStatus;
  template: CampaignTemplate;
  coupon: CampaignCoupon | null;
  trigger_rules: string[];
  tiers: string[];
  holdout_percent: number;
  cap_count: number;
  cap_days: number;
  attribution_days: number;
  advertising: boolean;
  active_from: Date | null;
  active_until: Date | null;
  created_at: Date;
  updated_at: Date;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const campaignView = (r: CampaignRow) => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  channel: r.channel,
  status: r.status,
  template: r.template,
  coupon: r.coupon,
  triggerRules: r.trigger_rules,
  tiers: r.tiers,
  holdoutPercent: r.holdout_percent,
  frequencyCap: { count: r.cap_count, days: r.cap_days },
  attributionDays: r.attribution_days,
  advertising: r.advertising,
  activeFrom: iso(r.active_from),
  activeUntil: iso(r.active_until),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const when = (v: string | null) => (v ? new Date(v) : null);

export async function createCampaign(deps: Deps, input: { workspaceId: string; campaign: z.infer<typeof campaignCreateSchema> }) {
  const c = input.campaign;
  const sql = deps.database.sql;
  const now = deps.clock();
  const rows = await sql<CampaignRow[]>`
    insert into campaigns (workspace_id, id, slug, name, channel, status, template, coupon, trigger_rules, tiers, holdout_percent, cap_count, cap_days,
      attribution_days, advertising, active_from, active_until, created_at, updated_at)
    values (${input.workspaceId}, ${newId("cmp")}, ${c.slug}, ${c.name}, ${c.channel}, ${c.status}, ${sql.json(c.template)}, ${c.coupon ? sql.json(c.coupon) : null},
      ${c.triggerRules}, ${c.tiers}, ${c.holdoutPercent}, ${c.frequencyCap.count}, ${c.frequencyCap.days}, ${c.attributionDays}, ${c.advertising},
      ${when(c.activeFrom)}, ${when(c.activeUntil)}, ${now}, ${now})
    on conflict (workspace_id, slug) do nothing returning *`;
  if (rows.length === 0) throw new AppError("conflict", `a campaign with slug ${c.slug} already exists`);
  return campaignView(rows[0]!);
}

export async function listCampaigns(deps: Deps, input: { workspaceId: string }) {
  const rows = await deps.database.sql<CampaignRow[]>`select * from campaigns where workspace_id = ${input.workspaceId} order by created_at, id`;
  return rows.map(campaignView);
}

/** By id or slug. */
export async function loadCampaign(deps: Deps, input: { workspaceId: string; campaignId: string }): Promise<CampaignRow> {
  const [row] = await deps.database.sql<CampaignRow[]>`
    select * from campaigns where workspace_id = ${input.workspaceId} and (id = ${input.campaignId} or slug = ${input.campaignId})`;
  if (!row) throw notFound("campaign", input.campaignId);
  return row;
}

export async function getCampaign(deps: Deps, input: { workspaceId: string; campaignId: string }) {
  return campaignView(await loadCampaign(deps, input));
}

export async function updateCampaign(deps: Deps, input: { workspaceId: string; campaignId: string; patch: z.infer<typeof campaignPatchSchema> }) {
  const cur = await loadCampaign(deps, input);
  const p = input.patch;
  const sql = deps.database.sql;
  const [row] = await sql<CampaignRow[]>`
    update campaigns set name = ${p.name ?? cur.name}, status = ${p.status ?? cur.status}, template = ${sql.json(p.template ?? cur.template)},
      coupon = ${p.coupon !== undefined ? (p.coupon ? sql.json(p.coupon) : null) : cur.coupon ? sql.json(cur.coupon) : null},
      trigger_rules = ${p.triggerRules ?? cur.trigger_rules}, tiers = ${p.tiers ?? cur.tiers},
      holdout_percent = ${p.holdoutPercent ?? cur.holdout_percent}, cap_count = ${p.frequencyCap?.count ?? cur.cap_count},
      cap_days = ${p.frequencyCap?.days ?? cur.cap_days}, attribution_days = ${p.attributionDays ?? cur.attribution_days},
      advertising = ${p.advertising ?? cur.advertising},
      active_from = ${p.activeFrom !== undefined ? when(p.activeFrom) : cur.active_from},
      active_until = ${p.activeUntil !== undefined ? when(p.activeUntil) : cur.active_until},
      updated_at = ${deps.clock()}
    where workspace_id = ${input.workspaceId} and id = ${cur.id} returning *`;
  return campaignView(row!);
}

/** Two-proportion difference with a normal-approximation 95 % interval (Wald). */
export function uplift(treated: { n: number; converted: number }, holdout: { n: number; converted: number }) {
  if (treated.n === 0 || holdout.n === 0) return { estimate: null, low: null, high: null };
  const pT = treated.converted / treated.n;
  const pH = holdout.converted / holdout.n;
  const se = Math.sqrt((pT * (1 - pT)) / treated.n + (pH * (1 - pH)) / holdout.n);
  const d = pT - pH;
  return { estimate: d, low: d - 1.96 * se, high: d + 1.96 * se };
}

type ArmStats = { arm: string; enrolled: number; dispatched: number; delivered: number; opened: number; clicked: number; converted: number; revenue: number };

/**
 * Enrolled, treated, holdout, delivered, opened, clicked, converted; conversion rate per arm;
 * uplift (treated − holdout conversion rate) with its 95 % interval; revenue attributed.
 * An enrollment converts when the customer buys within the campaign's attribution window after
 * enrolling; revenue is what they spent in that window. Treated counts every treated
 * enrollment (intention to treat), suppressed or deferred ones included.
 */
export async function campaignStats(deps: Deps, input: { workspaceId: string; campaignId: string }) {
  const c = await loadCampaign(deps, input);
  const sql = deps.database.sql;
  const rows = await sql<ArmStats[]>`
    with e as (
      select e.*, e.enrolled_at + make_interval(days => ${c.attribution_days}) as window_end
      from enrollments e where e.workspace_id = ${input.workspaceId} and e.campaign_id = ${c.id}
    ), per as (
      select e.arm, e.status,
        exists (select 1 from outbox o join deliveries d on d.workspace_id = o.workspace_id and d.outbox_id = o.id and d.status = 'succeeded'
                where o.workspace_id = e.workspace_id and o.key = 'campaign.enrollment.created:' || e.id) as delivered,
        exists (select 1 from signals s where s.workspace_id = e.workspace_id and s.customer_id = e.customer_id and s.type = 'campaign_response'
                and s.data->>'campaignId' in (${c.id}, ${c.slug}) and s.data->>'event' in ('opened', 'clicked')
                and s.occurred_at >= e.enrolled_at and s.occurred_at <= e.window_end) as opened,
        exists (select 1 from signals s where s.workspace_id = e.workspace_id and s.customer_id = e.customer_id and s.type = 'campaign_response'
                and s.data->>'campaignId' in (${c.id}, ${c.slug}) and s.data->>'event' = 'clicked'
                and s.occurred_at >= e.enrolled_at and s.occurred_at <= e.window_end) as clicked,
        p.n as purchases, p.revenue
      from e
      cross join lateral (
        select count(*)::int as n, coalesce(sum(s.amount), 0)::float8 as revenue from signals s
        where s.workspace_id = e.workspace_id and s.customer_id = e.customer_id and s.type = 'purchase'
          and s.occurred_at > e.enrolled_at and s.occurred_at <= e.window_end
      ) p
    )
    select arm, count(*)::int as enrolled, count(*) filter (where status = 'dispatched')::int as dispatched,
      count(*) filter (where delivered)::int as delivered, count(*) filter (where opened)::int as opened,
      count(*) filter (where clicked)::int as clicked, count(*) filter (where purchases > 0)::int as converted,
      coalesce(sum(revenue), 0)::float8 as revenue
    from per group by arm`;
  const empty = (arm: string): ArmStats => ({ arm, enrolled: 0, dispatched: 0, delivered: 0, opened: 0, clicked: 0, converted: 0, revenue: 0 });
  const t = rows.find((r) => r.arm === "treated") ?? empty("treated");
  const h = rows.find((r) => r.arm === "holdout") ?? empty("holdout");
  const rate = (a: ArmStats) => (a.enrolled === 0 ? null : a.converted / a.enrolled);
  const u = uplift({ n: t.enrolled, converted: t.converted }, { n: h.enrolled, converted: h.converted });
  const revenuePerHoldout = h.enrolled === 0 ? null : h.revenue / h.enrolled;
  return {
    campaignId: c.id,
    slug: c.slug,
    attributionDays: c.attribution_days,
    enrolled: t.enrolled + h.enrolled,
    treated: t.enrolled,
    holdout: h.enrolled,
    dispatched: t.dispatched,
    delivered: t.delivered,
    opened: t.opened,
    clicked: t.clicked,
    converted: { treated: t.converted, holdout: h.converted },
    conversionRate: { treated: rate(t), holdout: rate(h) },
    uplift: { estimate: u.estimate, confidence: 0.95, low: u.low, high: u.high },
    revenue: {
      treated: t.revenue,
      holdout: h.revenue,
      /** Treated revenue beyond what the holdout's revenue per customer predicts. */
      incremental: revenuePerHoldout === null ? null : t.revenue - revenuePerHoldout * t.enrolled,
    },
  };
}
