// An alert that asks for a task gets one (unique per alert) when the customer's tier or the
// value at risk warrants it (workspace settings): for the customer's own manager,
// or else the least-loaded active manager with capacity, or unassigned when none has room.
// It says why (the alert's reasons in words), suggests a play and is due by the severity's SLA.
// Runs inside the outbox drain's transaction; the task.created event goes out with it.
import type postgres from "postgres";
import type { ScoreReason, Severity } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { newId } from "../ids.ts";
import { writeEvent, type OutboxRow } from "../outbox/events.ts";
import type { Locale } from "../../rules/index.ts";
import { localeOf } from "../workspaces/locale.ts";
import { actionSettingsOf } from "../workspaces/settings.ts";
import { taskEventData } from "./tasks.ts";
import { tasksOpened } from "../metrics/metrics.ts";

/** The alert's reasons in words, each sentence once (two rules often say the same thing about a customer). */
export const taskWhy = (reasons: readonly ScoreReason[]): string[] => [...new Set(reasons.flatMap((r) => r.sentences))];

// The plays in each language, the workspace's (localeOf): the manager reads them beside the reasons.
const plays = {
  en: {
    rivalVip: "Call within the SLA: acknowledge their loyalty, ask what the rival offers, and match it with a personal VIP offer.",
    rival: "Reach out with a comeback offer that answers the rival's, and ask what made them look elsewhere.",
    support: "Call to resolve the open support issue first; follow up with a goodwill gesture once it is fixed.",
    refund: "Ask what went wrong with the refunded orders and offer an exchange or a recovery coupon.",
    silent: "Send a personal check-in with something new in their favourite category and a time-limited comeback offer.",
    otherVip: "Call the customer personally to understand what changed and offer VIP care.",
    other: "Reach out personally to understand what changed.",
  },
  ko: {
    rivalVip: "SLA 안에 전화하세요: 그동안의 이용에 감사를 전하고, 경쟁사가 무엇을 제안했는지 묻고, VIP 맞춤 혜택으로 맞춰 주세요.",
    rival: "경쟁사 제안에 맞서는 재방문 혜택으로 연락하고, 다른 곳을 찾게 된 이유를 물어보세요.",
    support: "먼저 전화로 미해결 문의를 해결하고, 해결된 뒤 사과의 뜻을 담은 혜택으로 후속 연락하세요.",
    refund: "환불된 주문에 어떤 문제가 있었는지 묻고 교환이나 재구매 쿠폰을 제안하세요.",
    silent: "선호 카테고리의 신상품과 기간 한정 재방문 혜택을 담아 개인 안부 메시지를 보내세요.",
    otherVip: "고객에게 직접 전화해 무엇이 달라졌는지 듣고 VIP 전담 응대를 제안하세요.",
    other: "고객에게 직접 연락해 무엇이 달라졌는지 알아보세요.",
  },
} as const satisfies Record<Locale, unknown>;

/** What to do about it, from what the reasons are about (in English or Korean) and how valuable the customer is, in `locale`. */
export function suggestPlay(reasons: readonly ScoreReason[], tier: string | null, locale: Locale = "en"): string {
  const p = plays[locale];
  const text = reasons.map((r) => `${r.ruleId} ${r.name} ${r.sentences.join(" ")}`).join(" ").toLowerCase();
  const vip = tier === "Platinum" || tier === "Diamond" || tier === "Gold";
  if (/competitor|rival|경쟁사/.test(text)) return vip ? p.rivalVip : p.rival;
  if (/ticket|support|complain|문의/.test(text)) return p.support;
  if (/refund|환불/.test(text)) return p.refund;
  if (/silen|inactive|no purchase|reactivat|days since|구매 없음|구매 후/.test(text)) return p.silent;
  return vip ? p.otherVip : p.other;
}

type AlertRow = { id: string; customer_id: string; severity: Severity; tier: string | null; value_at_risk: number | null; reasons: ScoreReason[]; status: string };

export async function createTaskFromOutbox(deps: Deps, tx: postgres.TransactionSql, row: OutboxRow): Promise<void> {
  const ws = row.workspace_id;
  const alertId = String(row.payload.alertId ?? row.alert_id ?? "");
  const [alert] = await tx<AlertRow[]>`
    select id, customer_id, severity, tier, value_at_risk, reasons, status from alerts where workspace_id = ${ws} and id = ${alertId}`;
  if (!alert) {
    deps.log.warn("task asked for an alert that does not exist", { workspaceId: ws, alertId });
    return;
  }
  const [settingsRow] = await tx<{ settings: Parameters<typeof actionSettingsOf>[0] }[]>`select settings from workspaces where id = ${ws}`;
  const settings = actionSettingsOf(settingsRow!.settings);
  // People's time goes to the customers worth it: the tiers chosen, or enough value at risk.
  const byTier = alert.tier !== null && (settings.taskTiers as string[]).includes(alert.tier);
  const byValue = settings.taskMinValueAtRisk !== null && (alert.value_at_risk ?? 0) >= settings.taskMinValueAtRisk;
  if (!byTier && !byValue) return;
  // One assigner per workspace at a time, so two drains cannot both pick the same last free slot.
  await tx`select pg_advisory_xact_lock(hashtext('tasks'), hashtext(${ws}))`;
  const [existing] = await tx`select id from tasks where workspace_id = ${ws} and alert_id = ${alertId}`;
  if (existing) return;

  const now = deps.clock();
  const [own] = await tx<{ id: string }[]>`
    select m.id from customers c join managers m on m.workspace_id = c.workspace_id and m.id = c.manager_id
    where c.workspace_id = ${ws} and c.id = ${alert.customer_id} and m.active`;
  let managerId: string | null = own?.id ?? null;
  let assignment = own ? "assigned" : "unassigned";
  if (!managerId) {
    const [free] = await tx<{ id: string }[]>`
      select m.id from managers m
      left join tasks t on t.workspace_id = m.workspace_id and t.manager_id = m.id and t.status in ('open', 'in_progress')
      where m.workspace_id = ${ws} and m.active
      group by m.id, m.capacity
      having count(t.id) < m.capacity
      order by count(t.id)::float8 / greatest(m.capacity, 1), count(t.id), m.id
      limit 1`;
    if (free) {
      managerId = free.id;
      assignment = "least_loaded";
    }
  }
  const hours = settings.taskSlaHours[alert.severity] ?? settings.taskSlaHours.medium;
  const dueAt = new Date(now.getTime() + hours * 3_600_000);
  const why = taskWhy(alert.reasons);
  const play = suggestPlay(alert.reasons, alert.tier, localeOf(settingsRow!.settings));
  const ruleId = typeof row.payload.ruleId === "string" ? row.payload.ruleId : null;
  const id = newId("tsk");
  const inserted = await tx`
    insert into tasks (workspace_id, id, alert_id, customer_id, manager_id, assignment, rule_id, status, severity, tier, value_at_risk,
      why, play, due_at, created_at, updated_at)
    values (${ws}, ${id}, ${alertId}, ${alert.customer_id}, ${managerId}, ${assignment}, ${ruleId}, 'open', ${alert.severity}, ${alert.tier},
      ${alert.value_at_risk}, ${tx.json(why)}, ${play}, ${dueAt}, ${now}, ${now})
    on conflict (workspace_id, alert_id) do nothing returning id`;
  if (inserted.length === 0) return;
  tasksOpened.inc({ severity: alert.severity });
  await writeEvent(tx, {
    workspaceId: ws,
    key: `task.created:${id}`,
    type: "task.created",
    at: now,
    alertId,
    customerId: alert.customer_id,
    data: taskEventData({
      id,
      alertId,
      customerId: alert.customer_id,
      managerId,
      status: "open",
      severity: alert.severity,
      valueAtRisk: alert.value_at_risk,
      dueAt,
      why,
      play,
    }),
  });
}
