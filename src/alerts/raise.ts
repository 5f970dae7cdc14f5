// Raising alerts and recording what they ask for happen in one transaction: the alerts
// (one per customer while not resolved), their events, and outbox rows for the actions.
// Set-based: a page of customers costs a handful of statements. Every outbox row has a
// unique key, so a retried job writes nothing twice.
import type { ScoreReason, Severity, Tier } from "../../db/scoring-schema.ts";
import { severities } from "../../db/scoring-schema.ts";
import { createHash } from "node:crypto";
import type postgres from "postgres";
import { resolvedAlertsSql } from "../../db/queries/alerts.ts";
import { newId } from "../ids.ts";
import { canonicalJson } from "../rules-service/rules.ts";
import type { ScoreResult } from "../scores/compute.ts";

export type AlertCandidate = { customerId: string; scoreId: number; tier: Tier | null; valueAtRisk: number | null; result: ScoreResult };
/**
 * unchanged: the alert's score, severity, rules and reasons are as they were; no event is written.
 * same_episode: the customer's last alert is resolved and they have not bought since it opened.
 */
export type RaiseOutcome = { customerId: string; action: "opened" | "updated" | "unchanged" | "cooling_down" | "same_episode"; alertId: string | null };

/** Deterministic per alert: held out when its hash falls under the largest share its rules ask for. */
function isHeldOut(alertId: string, result: ScoreResult, percent: Readonly<Record<string, number>>): boolean {
  const share = Math.max(0, ...result.reasons.map((r) => percent[r.ruleId] ?? 0));
  if (share <= 0) return false;
  return createHash("sha256").update(alertId).digest().readUInt32BE(0) / 2 ** 32 < share / 100;
}

const worse = (a: Severity, b: Severity) => (severities.indexOf(a) >= severities.indexOf(b) ? a : b);
const versionsOf = (r: ScoreResult) => r.reasons.filter((x) => x.ruleId !== "model").map((x) => `${x.ruleId}@${x.version}`);

/**
 * Within the caller's transaction (the one that stores the scores, so a score is never
 * stored without its alert). Call `requestDrain` after the commit.
 */
export async function raiseAlerts(
  tx: postgres.TransactionSql,
  input: {
    workspaceId: string;
    candidates: readonly AlertCandidate[];
    now: Date;
    holdoutPercent?: Readonly<Record<string, number>>;
    /** One alert per risk episode (the scoring setting); true unless given. */
    oneAlertPerEpisode?: boolean;
  },
): Promise<RaiseOutcome[]> {
  const ws = input.workspaceId;
  if (input.candidates.length === 0) return [];
  const now = input.now;
  const ids = input.candidates.map((c) => c.customerId);
  // One raiser per workspace at a time: the streaming drain and the daily pass may meet.
  await tx`select pg_advisory_xact_lock(hashtext('alerts'), hashtext(${ws}))`;
  const active = new Map(
    (
      await tx<{ id: string; customer_id: string; severity: Severity; score: number; reasons: unknown; rule_versions: string[]; holdout: boolean }[]>`
        select id, customer_id, severity, score, reasons, rule_versions, holdout from alerts
        where workspace_id = ${ws} and customer_id = any(${ids}::text[]) and status <> 'resolved'`
    ).map((a) => [a.customer_id, a]),
  );
  // Each candidate's resolved alerts: a cooldown still running, and the risk episode. An
  // episode runs from an alert until the customer buys again. Within it, a resolved alert stays
  // the episode's alert: a customer who left keeps matching (silence lengthens, rival use goes
  // on) and would be alerted again every cooldown for the same departure. Only a more severe
  // match is news.
  const resolved = await resolvedAlertsSql(tx, { workspaceId: ws, customerIds: ids, now });
  const cooling = new Set(resolved.filter((r) => r.cooling).map((r) => r.customer_id));
  const episodeSeverity = new Map(
    input.oneAlertPerEpisode === false ? [] : resolved.flatMap((r) => (r.episode_severity === null ? [] : [[r.customer_id, r.episode_severity] as const])),
  );

  const decided: RaiseOutcome[] = [];
  const opened: Record<string, unknown>[] = [];
  const updated: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const outbox: Record<string, unknown>[] = [];
  for (const c of input.candidates) {
    const was = active.get(c.customerId);
    if (!was && cooling.has(c.customerId)) {
      decided.push({ customerId: c.customerId, action: "cooling_down", alertId: null });
      continue;
    }
    const episode = was ? undefined : episodeSeverity.get(c.customerId);
    if (episode !== undefined && severities.indexOf(c.result.severity) <= severities.indexOf(episode)) {
      decided.push({ customerId: c.customerId, action: "same_episode", alertId: null });
      continue;
    }
    const ruleVersions = versionsOf(c.result);
    const alertId = was?.id ?? newId("alr");
    const newlyFired = was ? ruleVersions.filter((v) => !was.rule_versions.includes(v)) : ruleVersions;
    const severity = was ? worse(c.result.severity, was.severity) : c.result.severity;
    // A signal that changes nothing the alert says (a plain session, say) is not an update.
    const changed =
      !was || was.score !== c.result.score || was.severity !== severity || newlyFired.length > 0 || canonicalJson(was.reasons) !== canonicalJson(c.result.reasons);
    const action = !was ? "opened" : changed ? "updated" : "unchanged";
    // A held-out alert is tracked like any other but asks for no campaign and no task.
    const holdout = was ? was.holdout : isHeldOut(alertId, c.result, input.holdoutPercent ?? {});
    const row = {
      id: alertId,
      customer_id: c.customerId,
      severity,
      score: c.result.score,
      tier: c.tier,
      value_at_risk: c.valueAtRisk,
      reasons: c.result.reasons as ScoreReason[],
      rule_versions: ruleVersions,
      score_id: c.scoreId,
      cooldown_days: c.result.cooldownDays,
      holdout,
      changed,
    };
    (was ? updated : opened).push(row);
    if (!changed) {
      decided.push({ customerId: c.customerId, action, alertId });
      continue;
    }
    events.push({ alert_id: alertId, type: action, detail: { scoreId: c.scoreId, score: c.result.score, ruleVersions, newlyFired } });
    outbox.push({ key: `alert.${action}:${alertId}:${c.scoreId}`, kind: `alert.${action}`, alert_id: alertId, customer_id: c.customerId, payload: { alertId, customerId: c.customerId, score: c.result.score, severity: row.severity } });
    // An action is asked for once per alert and rule, however often the rule matches again.
    for (const a of holdout ? [] : c.result.actions) {
      if (!newlyFired.some((v) => v.startsWith(`${a.ruleId}@`))) continue;
      if (a.campaign) outbox.push({ key: `campaign:${alertId}:${a.campaign}`, kind: "campaign.enroll", alert_id: alertId, customer_id: c.customerId, payload: { alertId, customerId: c.customerId, campaign: a.campaign, ruleId: a.ruleId } });
      if (a.task) outbox.push({ key: `task:${alertId}`, kind: "task.create", alert_id: alertId, customer_id: c.customerId, payload: { alertId, customerId: c.customerId, ruleId: a.ruleId } });
    }
    decided.push({ customerId: c.customerId, action, alertId });
  }

  if (opened.length > 0) {
    await tx`
      insert into alerts (workspace_id, id, customer_id, status, severity, score, tier, value_at_risk, reasons,
        rule_versions, score_id, opened_at, updated_at, cooldown_days, holdout)
      select ${ws}, r.id, r.customer_id, 'open', r.severity, r.score, r.tier, r.value_at_risk, r.reasons,
        array(select jsonb_array_elements_text(r.rule_versions)), r.score_id, ${now}::timestamptz, ${now}::timestamptz, r.cooldown_days, r.holdout
      from jsonb_to_recordset(${tx.json(opened as never)}) as r(id text, customer_id text, severity text, score int, tier text,
        value_at_risk float8, reasons jsonb, rule_versions jsonb, score_id int, cooldown_days int, holdout boolean)`;
  }
  if (updated.length > 0) {
    await tx`
      update alerts a set score = r.score, severity = r.severity, reasons = r.reasons, score_id = r.score_id,
        tier = r.tier, value_at_risk = r.value_at_risk,
        updated_at = case when r.changed or (a.status = 'snoozed' and a.snoozed_until <= ${now}::timestamptz) then ${now}::timestamptz else a.updated_at end,
        -- A snooze that has run out ends when the customer needs attention again.
        status = case when a.status = 'snoozed' and a.snoozed_until <= ${now}::timestamptz then 'open' else a.status end,
        rule_versions = array(select distinct unnest(a.rule_versions || array(select jsonb_array_elements_text(r.rule_versions)))),
        cooldown_days = greatest(a.cooldown_days, r.cooldown_days)
      from jsonb_to_recordset(${tx.json(updated as never)}) as r(id text, severity text, score int, tier text,
        value_at_risk float8, reasons jsonb, rule_versions jsonb, score_id int, cooldown_days int, changed boolean)
      where a.workspace_id = ${ws} and a.id = r.id`;
  }
  if (events.length > 0) {
    await tx`
      insert into alert_events (workspace_id, alert_id, at, actor, type, detail)
      select ${ws}, e.alert_id, ${now}::timestamptz, 'system', e.type, e.detail
      from jsonb_to_recordset(${tx.json(events as never)}) as e(alert_id text, type text, detail jsonb)`;
    await tx`
      insert into outbox (workspace_id, key, kind, alert_id, customer_id, payload, created_at)
      select ${ws}, o.key, o.kind, o.alert_id, o.customer_id, o.payload, ${now}::timestamptz
      from jsonb_to_recordset(${tx.json(outbox as never)}) as o(key text, kind text, alert_id text, customer_id text, payload jsonb)
      on conflict (workspace_id, key) do nothing`;
  }
  return decided;
}
