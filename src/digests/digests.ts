// Manager digests: on each manager's schedule (a BullMQ job scheduler per manager, daily or
// weekly at a local hour in their timezone), the still-open alerts of their customers and
// their open tasks, overdue first and then by value at risk, with reasons in words and what
// changed since the last digest. One digest per manager per local period (a unique key), so a
// job that runs twice builds and mails one. Delivered as email (SMTP via nodemailer), as a
// Slack-compatible `digest.ready` webhook event, and readable through the API.
import nodemailer, { type Transporter } from "nodemailer";
import type { DigestPreferences } from "../../db/actions-schema.ts";
import type { WorkspaceSettings } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { requestDrain } from "../outbox/drain.ts";
import { writeEvent } from "../outbox/events.ts";
import { localeOf } from "../workspaces/locale.ts";

type Manager = { workspace_id: string; id: string; name: string; email: string; timezone: string; digest: DigestPreferences; active: boolean };

export const digestSchedulerId = (workspaceId: string, managerId: string) => `digest-${workspaceId}-${managerId}`;

/** Cron pattern of a manager's digest, read in their timezone; null when they get none. */
export function digestPattern(d: DigestPreferences): string | null {
  if (d.frequency === "off") return null;
  return d.frequency === "daily" ? `0 ${d.hour} * * *` : `0 ${d.hour} * * ${d.weekday}`;
}

/** Creates, moves or removes the manager's job scheduler to match their preferences. */
export async function scheduleDigest(deps: Deps, m: Pick<Manager, "workspace_id" | "id" | "timezone" | "digest" | "active">): Promise<void> {
  const shard = deps.jobs.shardOf(m.workspace_id);
  const queue = deps.jobs.queue("digests", shard);
  const id = digestSchedulerId(m.workspace_id, m.id);
  // After QUEUE_SHARDS changed, the scheduler may sit on the workspace's old shard: drop it there.
  for (let other = 0; other < deps.jobs.shards; other++) if (other !== shard) await deps.jobs.queue("digests", other).removeJobScheduler(id);
  const pattern = m.active ? digestPattern(m.digest) : null;
  if (!pattern) {
    await queue.removeJobScheduler(id);
    return;
  }
  const upserted = await deps.jobs.upsertSchedule("digests", id, { pattern, tz: m.timezone }, { name: "send-digest", data: { workspaceId: m.workspace_id, managerId: m.id } }, shard);
  if (!upserted) deps.log.info("digest schedule left as another scheduler process made it", { workspaceId: m.workspace_id, managerId: m.id });
}

/** At scheduler start: every manager's scheduler, so a lost Redis loses no schedule. */
export async function syncDigestSchedules(deps: Deps): Promise<number> {
  const managers = await deps.database.sql<Manager[]>`select workspace_id, id, name, email, timezone, digest, active from managers`;
  for (const m of managers) await scheduleDigest(deps, m);
  return managers.length;
}

function localDate(at: Date, timeZone: string) {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
  return p; // YYYY-MM-DD
}

/** `2026-11-20` for daily digests, the ISO week `2026-W47` for weekly ones, in the manager's timezone. */
export function digestPeriod(at: Date, timeZone: string, frequency: DigestPreferences["frequency"]): string {
  const day = localDate(at, timeZone);
  if (frequency !== "weekly") return day;
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - dow + 3); // the week's Thursday
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

type AlertItem = { id: string; customer_id: string; customer_name: string | null; severity: string; status: string; score: number; tier: string | null; value_at_risk: number | null; reasons: { sentences: string[] }[]; opened_at: Date; updated_at: Date };
type TaskItem = { id: string; customer_id: string; severity: string; status: string; value_at_risk: number | null; why: string[]; play: string; due_at: Date; created_at: Date };
type Sql = Deps["database"]["sql"];
export type DigestLocale = "ko" | "en";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** "1 open alert", "2 open alerts". */
export const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

type Summary = { openAlerts: number; newAlerts: number; changedAlerts: number; openTasks: number; newTasks: number; overdueTasks: number };

// The digest's words in each language; customers' reasons and plays are the rules' own sentences.
const words = {
  en: {
    title: (name: string, period: string) => `Rivalwatch digest for ${name} — ${period}`,
    summary: (s: Summary) =>
      `${plural(s.openAlerts, "open alert")} (${s.newAlerts} new, ${s.changedAlerts} updated), ${plural(s.openTasks, "open task")} (${s.overdueTasks} overdue, ${s.newTasks} new).`,
    tasks: "Tasks",
    alerts: "Alerts",
    overdue: "OVERDUE",
    new: "NEW",
    updated: "UPDATED",
    valueAtRisk: "value at risk",
    due: "due",
    score: "score",
    why: "Why",
    play: "Play",
    unknown: "unknown",
    severity: { low: "low", medium: "medium", high: "high", critical: "critical" } as Record<string, string>,
    subject: (period: string) => `Your Rivalwatch digest for ${period}`,
  },
  ko: {
    title: (name: string, period: string) => `${name}님의 Rivalwatch 요약 — ${period}`,
    summary: (s: Summary) =>
      `미해결 알림 ${s.openAlerts.toLocaleString("ko-KR")}건 (신규 ${s.newAlerts}, 변경 ${s.changedAlerts}), 진행 중 업무 ${s.openTasks.toLocaleString("ko-KR")}건 (기한 초과 ${s.overdueTasks}, 신규 ${s.newTasks}).`,
    tasks: "업무",
    alerts: "알림",
    overdue: "기한 초과",
    new: "신규",
    updated: "변경",
    valueAtRisk: "위험 금액",
    due: "기한",
    score: "점수",
    why: "이유",
    play: "권장 조치",
    unknown: "알 수 없음",
    severity: { low: "낮음", medium: "보통", high: "높음", critical: "긴급" } as Record<string, string>,
    subject: (period: string) => `Rivalwatch 요약 (${period})`,
  },
} as const;

const intlLocale = (l: DigestLocale) => (l === "ko" ? "ko-KR" : "en-US");

/** A moment in the manager's timezone and language: "Nov 21, 2026, 9:00 PM GMT+9", "2026년 11월 21일 21:00 GMT+9". */
export function localDateTime(at: Date, timeZone: string, locale: DigestLocale): string {
  // Korean on a 24-hour clock: some ICU versions print "PM" rather than 오후 for ko.
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
    ...(locale === "ko" ? { hourCycle: "h23" as const } : {}),
  }).format(at);
}

type DigestManager = Pick<Manager, "workspace_id" | "id" | "name" | "timezone"> & { locale: DigestLocale; currency: string };

/** What a digest for the manager would say now, given the last one's time: nothing is written. */
async function composeDigest(sql: Sql, deps: Deps, m: DigestManager, input: { now: Date; period: string; since: Date | null }) {
  const { now, period, since } = input;
  const w = words[m.locale];
  const alerts = await sql<AlertItem[]>`
    select a.id, a.customer_id, c.name as customer_name, a.severity, a.status, a.score, a.tier, a.value_at_risk, a.reasons, a.opened_at, a.updated_at
    from alerts a join customers c on c.workspace_id = a.workspace_id and c.id = a.customer_id
    where a.workspace_id = ${m.workspace_id} and c.manager_id = ${m.id} and a.status <> 'resolved'
    order by a.value_at_risk desc nulls last, a.score desc, a.id`;
  const tasks = await sql<TaskItem[]>`
    select id, customer_id, severity, status, value_at_risk, why, play, due_at, created_at from tasks
    where workspace_id = ${m.workspace_id} and manager_id = ${m.id} and status in ('open', 'in_progress')
    order by (due_at < ${now}) desc, value_at_risk desc nulls last, due_at, id`;
  const isNew = (d: Date) => since === null || d > since;
  const newAlerts = alerts.filter((a) => isNew(a.opened_at));
  const changedAlerts = alerts.filter((a) => !isNew(a.opened_at) && since !== null && a.updated_at > since);
  const newTasks = tasks.filter((t) => isNew(t.created_at));
  const overdue = tasks.filter((t) => t.due_at < now);
  const newlyOverdue = overdue.filter((t) => since === null || t.due_at > since);
  const somethingNew = newAlerts.length + changedAlerts.length + newTasks.length + newlyOverdue.length > 0;

  const base = deps.config.PUBLIC_URL?.replace(/\/+$/, "");
  const money = (v: number | null) =>
    v === null ? w.unknown : new Intl.NumberFormat(intlLocale(m.locale), { style: "currency", currency: m.currency, maximumFractionDigits: 0 }).format(v);
  const content = {
    managerId: m.id,
    period,
    since: since?.toISOString() ?? null,
    locale: m.locale,
    timezone: m.timezone,
    summary: { openAlerts: alerts.length, newAlerts: newAlerts.length, changedAlerts: changedAlerts.length, openTasks: tasks.length, newTasks: newTasks.length, overdueTasks: overdue.length },
    tasks: tasks.map((t) => ({
      id: t.id,
      customerId: t.customer_id,
      severity: t.severity,
      status: t.status,
      valueAtRisk: t.value_at_risk,
      dueAt: t.due_at.toISOString(),
      dueAtLocal: localDateTime(t.due_at, m.timezone, m.locale),
      overdue: t.due_at < now,
      new: isNew(t.created_at),
      why: t.why,
      play: t.play,
      url: base ? `${base}/console/tasks` : null,
    })),
    alerts: alerts.map((a) => ({
      id: a.id,
      customerId: a.customer_id,
      customerName: a.customer_name,
      severity: a.severity,
      status: a.status,
      score: a.score,
      tier: a.tier,
      valueAtRisk: a.value_at_risk,
      change: (isNew(a.opened_at) ? "new" : since !== null && a.updated_at > since ? "updated" : "unchanged") as "new" | "updated" | "unchanged",
      // Several rules often state the same fact: each sentence once.
      reasons: [...new Set(a.reasons.flatMap((r) => r.sentences))],
      url: base ? `${base}/console/alerts/${encodeURIComponent(a.id)}` : null,
    })),
  };
  const flag = (f: string) => `[${f}] `;
  const severity = (v: string) => w.severity[v] ?? v;
  const changeFlag = (c: "new" | "updated" | "unchanged") => (c === "new" ? flag(w.new) : c === "updated" ? flag(w.updated) : "");
  const title = w.title(m.name, period);
  const summary = w.summary(content.summary);
  const lines = [
    title,
    summary,
    "",
    ...(content.tasks.length ? [`${w.tasks}:`] : []),
    ...content.tasks.map(
      (t) =>
        `- ${t.overdue ? flag(w.overdue) : ""}${t.new ? flag(w.new) : ""}${t.customerId} · ${severity(t.severity)} · ${w.valueAtRisk} ${money(t.valueAtRisk)} · ${w.due} ${t.dueAtLocal}\n  ${w.why}: ${t.why.join("; ")}\n  ${w.play}: ${t.play}${t.url ? `\n  ${t.url}` : ""}`,
    ),
    ...(content.alerts.length ? ["", `${w.alerts}:`] : []),
    ...content.alerts.map(
      (a) =>
        `- ${changeFlag(a.change)}${a.customerName ?? a.customerId} · ${severity(a.severity)} · ${w.score} ${a.score} · ${w.valueAtRisk} ${money(a.valueAtRisk)}\n  ${a.reasons.join("; ")}${a.url ? `\n  ${a.url}` : ""}`,
    ),
  ];
  const link = (url: string | null, label: string) => (url ? `<a href="${esc(url)}">${esc(label)}</a>` : esc(label));
  const html =
    `<!doctype html><html lang="${m.locale}"><body><h1>${esc(title)}</h1><p>${esc(summary)}</p>` +
    (content.tasks.length
      ? `<h2>${w.tasks}</h2><ol>${content.tasks.map((t) => `<li>${t.overdue ? `<strong>${w.overdue}</strong> ` : ""}${t.new ? `<em>${w.new}</em> ` : ""}${link(t.url, t.customerId)} · ${esc(severity(t.severity))} · ${w.valueAtRisk} ${esc(money(t.valueAtRisk))} · ${w.due} ${esc(t.dueAtLocal)}<br>${w.why}: ${esc(t.why.join("; "))}<br>${w.play}: ${esc(t.play)}</li>`).join("")}</ol>`
      : "") +
    (content.alerts.length
      ? `<h2>${w.alerts}</h2><ol>${content.alerts.map((a) => `<li>${a.change === "unchanged" ? "" : `<em>${a.change === "new" ? w.new : w.updated}</em> `}${link(a.url, a.customerName ?? a.customerId)} · ${esc(severity(a.severity))} · ${w.score} ${a.score} · ${w.valueAtRisk} ${esc(money(a.valueAtRisk))}<br>${esc(a.reasons.join("; "))}</li>`).join("")}</ol>`
      : "") +
    `</body></html>`;
  return { content, text: lines.join("\n"), html, somethingNew, subject: w.subject(period) };
}

export type DigestContent = Awaited<ReturnType<typeof composeDigest>>["content"];

/** The manager with what their digest is written in: their language, else the workspace's (localeOf: Korean for KRW); the workspace's currency. */
async function digestManager(deps: Deps, input: { workspaceId: string; managerId: string }) {
  const [m] = await deps.database.sql<(Manager & { manager_locale: DigestLocale | null; settings: WorkspaceSettings })[]>`
    select m.workspace_id, m.id, m.name, m.email, m.timezone, m.digest, m.active, m.locale as manager_locale, w.settings
    from managers m join workspaces w on w.id = m.workspace_id
    where m.workspace_id = ${input.workspaceId} and m.id = ${input.managerId}`;
  if (!m) throw notFound("manager", input.managerId);
  const { manager_locale, settings, ...manager } = m;
  return { ...manager, locale: manager_locale ?? localeOf(settings), currency: settings.currency ?? "KRW" };
}

const lastDigestAt = async (sql: Sql, m: { workspace_id: string; id: string }) =>
  (await sql<{ created_at: Date }[]>`
    select created_at from digests where workspace_id = ${m.workspace_id} and manager_id = ${m.id} order by created_at desc limit 1`)[0]?.created_at ?? null;

/** What the manager's next digest would say if it were sent now; nothing is stored or sent. */
export async function previewDigest(deps: Deps, input: { workspaceId: string; managerId: string }) {
  const m = await digestManager(deps, input);
  const now = deps.clock();
  const period = digestPeriod(now, m.timezone, m.digest.frequency);
  const sql = deps.database.sql;
  const [sent] = await sql<{ id: string; created_at: Date }[]>`
    select id, created_at from digests where workspace_id = ${m.workspace_id} and manager_id = ${m.id} and period = ${period}`;
  const composed = await composeDigest(sql, deps, m, { now, period, since: await lastDigestAt(sql, m) });
  const scheduled = m.active && m.digest.frequency !== "off";
  return {
    managerId: m.id,
    period,
    locale: m.locale,
    timezone: m.timezone,
    /** The digest already made for this period, which a send now would return instead of a new one. */
    sent: sent ? { digestId: sent.id, createdAt: sent.created_at.toISOString() } : null,
    /** Whether the scheduled run would send it: something is new, or the manager wants empty digests too. */
    wouldSend: scheduled && !sent && (composed.somethingNew || m.digest.sendWhenEmpty),
    content: composed.content,
    text: composed.text,
    html: composed.html,
  };
}

export type DigestResult = { result: "created" | "exists" | "skipped"; digestId: string | null; period: string };

/**
 * Builds, stores and sends the manager's digest for the current period, once per period.
 * `onDemand` (someone asked for it now): sent even when nothing is new or scheduled digests are off.
 */
export async function sendDigest(deps: Deps, input: { workspaceId: string; managerId: string; onDemand?: boolean }): Promise<DigestResult> {
  const sql = deps.database.sql;
  const now = deps.clock();
  const m = await digestManager(deps, input);
  const period = digestPeriod(now, m.timezone, m.digest.frequency);
  if (!m.active) {
    if (input.onDemand) throw new AppError("conflict", `manager ${m.id} is inactive; reactivate them (PATCH /v1/managers/${m.id} {"active": true}) to send a digest`);
    return { result: "skipped", digestId: null, period };
  }
  if (m.digest.frequency === "off" && !input.onDemand) return { result: "skipped", digestId: null, period };

  const built = await sql.begin(async (tx) => {
    const [existing] = await tx<{ id: string }[]>`
      select id from digests where workspace_id = ${m.workspace_id} and manager_id = ${m.id} and period = ${period}`;
    if (existing) return { result: "exists" as const, digestId: existing.id };
    const { content, text, html, somethingNew } = await composeDigest(tx as unknown as Sql, deps, m, { now, period, since: await lastDigestAt(tx as unknown as Sql, m) });
    if (!somethingNew && !m.digest.sendWhenEmpty && !input.onDemand) return { result: "skipped" as const, digestId: null };
    const id = newId("dig");
    const inserted = await tx`
      insert into digests (workspace_id, id, manager_id, period, content, text, html, created_at)
      values (${m.workspace_id}, ${id}, ${m.id}, ${period}, ${tx.json(content as never)}, ${text}, ${html}, ${now})
      on conflict (workspace_id, manager_id, period) do nothing returning id`;
    if (inserted.length === 0) {
      const [winner] = await tx<{ id: string }[]>`select id from digests where workspace_id = ${m.workspace_id} and manager_id = ${m.id} and period = ${period}`;
      return { result: "exists" as const, digestId: winner?.id ?? null };
    }
    await writeEvent(tx, {
      workspaceId: m.workspace_id,
      key: `digest.ready:${id}`,
      type: "digest.ready",
      at: now,
      data: { digestId: id, managerId: m.id, period, summary: content.summary, text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] },
    });
    return { result: "created" as const, digestId: id };
  });
  if (built.result === "created") await requestDrain(deps);
  if (built.digestId) await emailDigest(deps, { workspaceId: m.workspace_id, digestId: built.digestId, to: m.email, subject: words[m.locale].subject(period) });
  return { ...built, period };
}

const transports = new Map<string, Transporter>();

/** Claims the digest's email (emailed_at), sends it, and gives the claim back if sending fails. */
async function emailDigest(deps: Deps, input: { workspaceId: string; digestId: string; to: string; subject: string }) {
  const url = deps.config.SMTP_URL;
  if (!url) return;
  const sql = deps.database.sql;
  const [claimed] = await sql<{ period: string; text: string; html: string }[]>`
    update digests set emailed_at = ${deps.clock()} where workspace_id = ${input.workspaceId} and id = ${input.digestId} and emailed_at is null
    returning period, text, html`;
  if (!claimed) return;
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(url, transport);
  }
  try {
    await transport.sendMail({ from: deps.config.DIGEST_FROM, to: input.to, subject: input.subject, text: claimed.text, html: claimed.html });
  } catch (err) {
    await sql`update digests set emailed_at = null where workspace_id = ${input.workspaceId} and id = ${input.digestId}`;
    throw err;
  }
}

type DigestRow = { id: string; manager_id: string; period: string; content: DigestContent; text: string; html: string; created_at: Date; emailed_at: Date | null };

const digestView = (row: DigestRow) => ({
  id: row.id,
  managerId: row.manager_id,
  period: row.period,
  content: row.content,
  text: row.text,
  html: row.html,
  createdAt: row.created_at.toISOString(),
  emailedAt: row.emailed_at?.toISOString() ?? null,
});

export async function latestDigest(deps: Deps, input: { workspaceId: string; managerId: string }) {
  const [row] = await deps.database.sql<DigestRow[]>`
    select id, manager_id, period, content, text, html, created_at, emailed_at from digests
    where workspace_id = ${input.workspaceId} and manager_id = ${input.managerId} order by created_at desc, id desc limit 1`;
  if (!row) throw notFound("digest for manager", input.managerId);
  return digestView(row);
}

/** Sends the manager's digest now (once per period: again, it answers with the one already sent) and returns it. */
export async function sendDigestNow(deps: Deps, input: { workspaceId: string; managerId: string }) {
  const result = await sendDigest(deps, { ...input, onDemand: true });
  const [row] = await deps.database.sql<DigestRow[]>`
    select id, manager_id, period, content, text, html, created_at, emailed_at from digests
    where workspace_id = ${input.workspaceId} and id = ${result.digestId}`;
  if (!row) throw new Error(`digest ${result.digestId} of manager ${input.managerId} vanished`);
  return { result: result.result as "created" | "exists", digest: digestView(row) };
}
