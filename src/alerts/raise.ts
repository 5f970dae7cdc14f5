// Raising an alert and recording what it asks for happen in one transaction: the alert
// (one per customer while not resolved), its event, and outbox rows for the actions. Every
// outbox row has a unique key, so a retried job writes nothing twice.
import type { ScoreReason, Severity, Tier } from "../../db/scoring-schema.ts";
import { severities } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { newId } from "../ids.ts";
import type { ScoreResult } from "../scores/compute.ts";

export type RaiseOutcome = { action: "opened" | "updated" | "cooling_down"; alertId: string | null };

const worse = (a: Severity, b: Severity) => (severities.indexOf(a) >= severities.indexOf(b) ? a : b);

export async function raiseAlert(
  deps: Deps,
  input: { workspaceId: string; customerId: string; scoreId: number; tier: Tier | null; valueAtRisk: number | null; result: ScoreResult },
): Promise<RaiseOutcome> {
  const { workspaceId: ws, customerId, result } = input;
  const now = deps.clock();
  const ruleVersions = result.reasons.filter((r) => r.ruleId !== "model").map((r) => `${r.ruleId}@${r.version}`);
  return deps.database.sql.begin(async (tx) => {
    // Serialise work on one customer's alerts across workers.
    await tx`select pg_advisory_xact_lock(hashtext(${ws}), hashtext(${customerId}))`;
    const [active] = await tx<{ id: string; severity: Severity; rule_versions: string[] }[]>`
      select id, severity, rule_versions from alerts
      where workspace_id = ${ws} and customer_id = ${customerId} and status <> 'resolved'`;

    let alertId: string;
    let action: RaiseOutcome["action"];
    let newlyFired: string[];
    if (active) {
      alertId = active.id;
      action = "updated";
      newlyFired = ruleVersions.filter((v) => !active.rule_versions.includes(v));
      await tx`
        update alerts set score = ${result.score},
          -- A snooze that has run out ends when the customer needs attention again.
          status = case when status = 'snoozed' and snoozed_until <= ${now} then 'open' else status end, severity = ${worse(result.severity, active.severity)},
          reasons = ${tx.json(result.reasons as ScoreReason[])}, score_id = ${input.scoreId}, tier = ${input.tier},
          value_at_risk = ${input.valueAtRisk}, updated_at = ${now},
          rule_versions = array(select distinct unnest(rule_versions || ${ruleVersions}::text[])),
          cooldown_days = greatest(cooldown_days, ${result.cooldownDays})
        where workspace_id = ${ws} and id = ${alertId}`;
    } else {
      const [cooling] = await tx`
        select 1 from alerts where workspace_id = ${ws} and customer_id = ${customerId} and status = 'resolved'
          and cooldown_until > ${now} limit 1`;
      if (cooling) return { action: "cooling_down", alertId: null };
      alertId = newId("alr");
      action = "opened";
      newlyFired = ruleVersions;
      await tx`
        insert into alerts (workspace_id, id, customer_id, status, severity, score, tier, value_at_risk, reasons,
          rule_versions, score_id, opened_at, updated_at, cooldown_days)
        values (${ws}, ${alertId}, ${customerId}, 'open', ${result.severity}, ${result.score}, ${input.tier},
          ${input.valueAtRisk}, ${tx.json(result.reasons as ScoreReason[])}, ${ruleVersions}::text[], ${input.scoreId},
          ${now}, ${now}, ${result.cooldownDays})`;
    }
    await tx`
      insert into alert_events (workspace_id, alert_id, at, actor, type, detail)
      values (${ws}, ${alertId}, ${now}, 'system', ${action},
        ${tx.json({ scoreId: input.scoreId, score: result.score, ruleVersions, newlyFired })})`;

    const outbox = [
      { key: `alert.${action}:${alertId}:${input.scoreId}`, kind: `alert.${action}`, payload: { alertId, customerId, score: result.score, severity: result.severity } },
      // An action is asked for once per alert and rule, however often the rule matches again.
      ...result.actions
        .filter((a) => newlyFired.some((v) => v.startsWith(`${a.ruleId}@`)))
        .flatMap((a) => [
          ...(a.campaign ? [{ key: `campaign:${alertId}:${a.campaign}`, kind: "campaign.enroll", payload: { alertId, customerId, campaign: a.campaign, ruleId: a.ruleId } }] : []),
          ...(a.task ? [{ key: `task:${alertId}`, kind: "task.create", payload: { alertId, customerId, ruleId: a.ruleId } }] : []),
        ]),
    ];
    await tx`
      insert into outbox (workspace_id, key, kind, alert_id, customer_id, payload, created_at)
      select ${ws}, o.key, o.kind, ${alertId}, ${customerId}, o.payload, ${now}::timestamptz
      from jsonb_to_recordset(${tx.json(outbox)}) as o(key text, kind text, payload jsonb)
      on conflict (workspace_id, key) do nothing`;
    return { action, alertId };
  });
}
