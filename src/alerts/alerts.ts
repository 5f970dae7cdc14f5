// The alert lifecycle: open → acknowledged → resolved, or snoozed until a date. Every
// change records who and when. Listing filters and pages with an opaque cursor.
import { z } from "zod";
import { alertStatuses, severities, tierNames, type AlertStatus, type ScoreReason } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { AppError, notFound } from "../errors.ts";
import { requestDrain } from "../outbox/drain.ts";
import { campaignsOfAlerts } from "../campaigns/alert-campaigns.ts";
import { instant } from "../input/instant.ts";
import { alertLabelSchema } from "./outcomes.ts";
import type { ModelValues } from "../scores/compute.ts";

export const alertListQuerySchema = z.object({
  status: z.enum(alertStatuses).optional(),
  severity: z.enum(severities).optional(),
  tier: z.enum(tierNames).optional(),
  managerId: z.string().max(200).optional(),
  customerId: z.string().max(200).optional(),
  /** A rule id: alerts that rule has raised or added to, in any of its versions. */
  rule: z.string().min(1).max(100).optional(),
  openedFrom: instant.optional(),
  openedTo: instant.optional(),
  /** `opened`: newest first; `valueAtRisk`: most value at risk first (alerts without a model value last). */
  sort: z.enum(["opened", "valueAtRisk"]).default("opened"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const alertTransitionSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("acknowledge"), note: z.string().max(2000).optional() }),
  z.strictObject({ action: z.literal("resolve"), note: z.string().max(2000).optional() }),
  z.strictObject({ action: z.literal("snooze"), until: instant, note: z.string().max(2000).optional() }),
  z.strictObject({ action: z.literal("reopen"), note: z.string().max(2000).optional() }),
]);

/** One entry of an alert's history, as stored in alert_events. */
export const alertEventSchema = z.object({
  at: z.date(),
  actor: z.string().meta({ description: "system, or the API key that made the change" }),
  type: z.enum(["opened", "updated", "acknowledge", "snooze", "resolve", "reopen", "labeled"]),
  detail: z.union([
    z
      .object({ scoreId: z.number().int().nullable(), score: z.number(), ruleVersions: z.array(z.string()), newlyFired: z.array(z.string()) })
      .meta({ description: "opened, updated: the score that did it and the rules (ruleId@version) that matched, newly or again" }),
    alertTransitionSchema.meta({ description: "acknowledge, snooze, resolve, reopen: the transition as asked" }),
    alertLabelSchema.extend({ note: z.string().nullable() }).meta({ description: "labeled: the label and its note" }),
  ]),
});

type AlertRow = {
  id: string;
  customer_id: string;
  status: AlertStatus;
  severity: string;
  score: number;
  tier: string | null;
  value_at_risk: number | null;
  reasons: ScoreReason[];
  rule_versions: string[];
  opened_at: Date;
  updated_at: Date;
  snoozed_until: Date | null;
  resolved_at: Date | null;
  cooldown_until: Date | null;
  manager_id: string | null;
  holdout: boolean;
  label: string | null;
};

const view = (a: AlertRow) => ({
  id: a.id,
  customerId: a.customer_id,
  status: a.status,
  severity: a.severity,
  score: a.score,
  tier: a.tier,
  valueAtRisk: a.value_at_risk,
  managerId: a.manager_id,
  reasons: a.reasons,
  ruleVersions: a.rule_versions,
  openedAt: a.opened_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
  snoozedUntil: a.snoozed_until?.toISOString() ?? null,
  resolvedAt: a.resolved_at?.toISOString() ?? null,
  cooldownUntil: a.cooldown_until?.toISOString() ?? null,
  holdout: a.holdout,
  label: a.label,
});

const alertCursorSchema = z.object({ t: instant.optional(), v: z.number().optional(), id: z.string() });

/** Newest first, or by value at risk; ties broken by id so pages never overlap. */
export async function listAlerts(deps: Deps, input: { workspaceId: string } & z.infer<typeof alertListQuerySchema>) {
  const sql = deps.database.sql;
  const after = decodeCursor(alertCursorSchema, input.cursor);
  const rows = await sql<AlertRow[]>`
    select a.*, c.manager_id from alerts a
    join customers c on c.workspace_id = a.workspace_id and c.id = a.customer_id
    where a.workspace_id = ${input.workspaceId}
      ${input.status ? sql`and a.status = ${input.status}` : sql``}
      ${input.severity ? sql`and a.severity = ${input.severity}` : sql``}
      ${input.tier ? sql`and a.tier = ${input.tier}` : sql``}
      ${input.managerId ? sql`and c.manager_id = ${input.managerId}` : sql``}
      ${input.customerId ? sql`and a.customer_id = ${input.customerId}` : sql``}
      ${input.rule ? sql`and exists (select 1 from unnest(a.rule_versions) v where split_part(v, '@', 1) = ${input.rule})` : sql``}
      ${input.openedFrom ? sql`and a.opened_at >= ${input.openedFrom}::timestamptz` : sql``}
      ${input.openedTo ? sql`and a.opened_at < ${input.openedTo}::timestamptz` : sql``}
      ${after && input.sort === "opened" ? sql`and (a.opened_at, a.id) < (${after.t ?? null}::timestamptz, ${after.id})` : sql``}
      ${after && input.sort === "valueAtRisk" ? sql`and (coalesce(a.value_at_risk, -1), a.id) < (${after.v ?? null}::float8, ${after.id})` : sql``}
    order by ${input.sort === "valueAtRisk" ? sql`coalesce(a.value_at_risk, -1) desc` : sql`a.opened_at desc`}, a.id desc
    limit ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const campaigns = await campaignsOfAlerts(deps, { workspaceId: input.workspaceId, alertIds: page.map((a) => a.id) });
  return {
    alerts: page.map((a) => ({ ...view(a), campaigns: campaigns.get(a.id) ?? [] })),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor(input.sort === "opened" ? { t: last.opened_at.toISOString(), id: last.id } : { v: last.value_at_risk ?? -1, id: last.id })
        : null,
  };
}

export async function getAlert(deps: Deps, input: { workspaceId: string; alertId: string }) {
  const sql = deps.database.sql;
  const [row] = await sql<AlertRow[]>`
    select a.*, c.manager_id from alerts a
    join customers c on c.workspace_id = a.workspace_id and c.id = a.customer_id
    where a.workspace_id = ${input.workspaceId} and a.id = ${input.alertId}`;
  if (!row) throw notFound("alert", input.alertId);
  const events = await sql<z.infer<typeof alertEventSchema>[]>`
    select at, actor, type, detail from alert_events where workspace_id = ${input.workspaceId} and alert_id = ${input.alertId} order by at, id`;
  const campaigns = await campaignsOfAlerts(deps, { workspaceId: input.workspaceId, alertIds: [row.id] });
  return { ...view(row), campaigns: campaigns.get(row.id) ?? [], events: events.map((e) => ({ ...e, at: e.at.toISOString() })) };
}

const allowed: Record<z.infer<typeof alertTransitionSchema>["action"], AlertStatus[]> = {
  acknowledge: ["open", "snoozed"],
  snooze: ["open", "acknowledged"],
  resolve: ["open", "acknowledged", "snoozed"],
  reopen: ["acknowledged", "snoozed"],
};

export async function transitionAlert(
  deps: Deps,
  input: { workspaceId: string; alertId: string; actor: string; change: z.infer<typeof alertTransitionSchema> },
) {
  const now = deps.clock();
  const { change } = input;
  await deps.database.sql.begin(async (tx) => {
    const [alert] = await tx<{ status: AlertStatus; cooldown_days: number }[]>`
      select status, cooldown_days from alerts where workspace_id = ${input.workspaceId} and id = ${input.alertId} for update`;
    if (!alert) throw notFound("alert", input.alertId);
    if (!allowed[change.action].includes(alert.status)) {
      throw new AppError("conflict", `cannot ${change.action} an alert that is ${alert.status}`);
    }
    if (change.action === "snooze" && new Date(change.until) <= now) {
      throw new AppError("validation_failed", "snooze until a future time", [{ path: "until", message: "must be in the future" }]);
    }
    const status: AlertStatus =
      change.action === "acknowledge" ? "acknowledged" : change.action === "snooze" ? "snoozed" : change.action === "resolve" ? "resolved" : "open";
    await tx`
      update alerts set status = ${status}, updated_at = ${now},
        snoozed_until = ${change.action === "snooze" ? new Date(change.until) : null},
        resolved_at = ${status === "resolved" ? now : null},
        cooldown_until = ${status === "resolved" ? new Date(now.getTime() + alert.cooldown_days * 86_400_000) : null}
      where workspace_id = ${input.workspaceId} and id = ${input.alertId}`;
    await tx`
      insert into alert_events (workspace_id, alert_id, at, actor, type, detail)
      values (${input.workspaceId}, ${input.alertId}, ${now}, ${input.actor}, ${change.action}, ${tx.json(change)})`;
    await tx`
      insert into outbox (workspace_id, key, kind, alert_id, payload, created_at)
      values (${input.workspaceId}, ${`alert.${status}:${input.alertId}:${now.getTime()}`},
        ${status === "resolved" ? "alert.resolved" : "alert.updated"}, ${input.alertId},
        ${tx.json({ alertId: input.alertId, status, actor: input.actor })}, ${now})
      on conflict (workspace_id, key) do nothing`;
  });
  await requestDrain(deps);
  return getAlert(deps, input);
}

/** A customer's score history, newest first. */
export async function listCustomerScores(deps: Deps, input: { workspaceId: string; customerId: string; limit: number }) {
  const rows = await deps.database.sql<
    { id: number; scored_at: Date; as_of: Date; score: number; rule_points: number; model_points: number; tier: string | null; reasons: ScoreReason[]; shadow_hits: ScoreReason[]; model: ModelValues | null }[]
  >`
    select id, scored_at, as_of, score, rule_points, model_points, tier, reasons, shadow_hits, model
    from scores where workspace_id = ${input.workspaceId} and customer_id = ${input.customerId}
    order by scored_at desc, id desc limit ${input.limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    scoredAt: r.scored_at.toISOString(),
    asOf: r.as_of.toISOString(),
    score: r.score,
    rulePoints: r.rule_points,
    modelPoints: r.model_points,
    tier: r.tier,
    reasons: r.reasons,
    shadowHits: r.shadow_hits,
    model: r.model,
  }));
}
