// Manager digests: on each manager's schedule (a BullMQ job scheduler per manager, daily or
// weekly at a local hour in their timezone), the still-open alerts of their customers and
// their open tasks, overdue first and then by value at risk, with reasons in words and what
// changed since the last digest. One digest per manager per local period (a unique key), so a
// job that runs twice builds and mails one. Delivered as email (SMTP via nodemailer), as a
// Slack-compatible `digest.ready` webhook event, and readable through the API.
import nodemailer, { type Transporter } from "nodemailer";
import type { DigestPreferences } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";
import { notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { requestDrain } from "../outbox/drain.ts";
import { writeEvent } from "../outbox/events.ts";

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
  await queue.upsertJobScheduler(id, { pattern, tz: m.timezone }, { name: "send-digest", data: { workspaceId: m.workspace_id, managerId: m.id } });
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

const money = (v: number | null) => (v === null ? "unknown" : Math.round(v).toLocaleString("en-US"));
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** "1 open alert", "2 open alerts". */
export const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

export type DigestResult = { result: "created" | "exists" | "skipped"; digestId: string | null; period: string };

export async function sendDigest(deps: Deps, input: { workspaceId: string; managerId: string }): Promise<DigestResult> {
  const sql = deps.database.sql;
  const now = deps.clock();
  const [m] = await sql<Manager[]>`
    select workspace_id, id, name, email, timezone, digest, active from managers where workspace_id = ${input.workspaceId} and id = ${input.managerId}`;
  if (!m) throw notFound("manager", input.managerId);
  const period = digestPeriod(now, m.timezone, m.digest.frequency);
  if (!m.active || m.digest.frequency === "off") return { result: "skipped", digestId: null, period };

  const built = await sql.begin(async (tx) => {
    const [existing] = await tx<{ id: string }[]>`
      select id from digests where workspace_id = ${m.workspace_id} and manager_id = ${m.id} and period = ${period}`;
    if (existing) return { result: "exists" as const, digestId: existing.id };
    const [prev] = await tx<{ created_at: Date }[]>`
      select created_at from digests where workspace_id = ${m.workspace_id} and manager_id = ${m.id} order by created_at desc limit 1`;
    const since = prev?.created_at ?? null;
    const alerts = await tx<AlertItem[]>`
      select a.id, a.customer_id, c.name as customer_name, a.severity, a.status, a.score, a.tier, a.value_at_risk, a.reasons, a.opened_at, a.updated_at
      from alerts a join customers c on c.workspace_id = a.workspace_id and c.id = a.customer_id
      where a.workspace_id = ${m.workspace_id} and c.manager_id = ${m.id} and a.status <> 'resolved'
      order by a.value_at_risk desc nulls last, a.score desc, a.id`;
    const tasks = await tx<TaskItem[]>`
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
    if (!somethingNew && !m.digest.sendWhenEmpty) return { result: "skipped" as const, digestId: null };

    const content = {
      managerId: m.id,
      period,
      since: since?.toISOString() ?? null,
      summary: { openAlerts: alerts.length, newAlerts: newAlerts.length, changedAlerts: changedAlerts.length, openTasks: tasks.length, newTasks: newTasks.length, overdueTasks: overdue.length },
      tasks: tasks.map((t) => ({
        id: t.id,
        customerId: t.customer_id,
        severity: t.severity,
        status: t.status,
        valueAtRisk: t.value_at_risk,
        dueAt: t.due_at.toISOString(),
        overdue: t.due_at < now,
        new: isNew(t.created_at),
        why: t.why,
        play: t.play,
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
        change: isNew(a.opened_at) ? "new" : since !== null && a.updated_at > since ? "updated" : "unchanged",
        reasons: a.reasons.flatMap((r) => r.sentences),
      })),
    };
    const lines = [
      `Rivalwatch digest for ${m.name} — ${period}`,
      `${plural(alerts.length, "open alert")} (${newAlerts.length} new, ${changedAlerts.length} updated), ${plural(tasks.length, "open task")} (${overdue.length} overdue, ${newTasks.length} new).`,
      "",
      ...(content.tasks.length ? ["Tasks:"] : []),
      ...content.tasks.map((t) => `- ${t.overdue ? "[OVERDUE] " : ""}${t.new ? "[NEW] " : ""}${t.customerId} · ${t.severity} · value at risk ${money(t.valueAtRisk)} · due ${t.dueAt}\n  Why: ${t.why.join("; ")}\n  Play: ${t.play}`),
      ...(content.alerts.length ? ["", "Alerts:"] : []),
      ...content.alerts.map((a) => `- ${a.change === "unchanged" ? "" : `[${a.change.toUpperCase()}] `}${a.customerName ?? a.customerId} · ${a.severity} · score ${a.score} · value at risk ${money(a.valueAtRisk)}\n  ${a.reasons.join("; ")}`),
    ];
    const text = lines.join("\n");
    const html = `<!doctype html><html><body><h1>Rivalwatch digest for ${esc(m.name)} — ${esc(period)}</h1><p>${esc(lines[1]!)}</p>` +
      (content.tasks.length ? `<h2>Tasks</h2><ol>${content.tasks.map((t) => `<li>${t.overdue ? "<strong>Overdue</strong> " : ""}${t.new ? "<em>New</em> " : ""}${esc(t.customerId)} · ${esc(t.severity)} · value at risk ${money(t.valueAtRisk)} · due ${esc(t.dueAt)}<br>Why: ${esc(t.why.join("; "))}<br>Play: ${esc(t.play)}</li>`).join("")}</ol>` : "") +
      (content.alerts.length ? `<h2>Alerts</h2><ol>${content.alerts.map((a) => `<li>${a.change === "unchanged" ? "" : `<em>${esc(a.change)}</em> `}${esc(a.customerName ?? a.customerId)} · ${esc(a.severity)} · score ${a.score} · value at risk ${money(a.valueAtRisk)}<br>${esc(a.reasons.join("; "))}</li>`).join("")}</ol>` : "") +
      `</body></html>`;
    const id = newId("dig");
    const inserted = await tx`
      insert into digests (workspace_id, id, manager_id, period, content, text, html, created_at)
      values (${m.workspace_id}, ${id}, ${m.id}, ${period}, ${tx.json(content as never)}, ${text}, ${html}, ${now})
      on conflict (workspace_id, manager_id, period) do nothing returning id`;
    if (inserted.length === 0) return { result: "exists" as const, digestId: null };
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
  if (built.digestId) await emailDigest(deps, { workspaceId: m.workspace_id, digestId: built.digestId, to: m.email });
  return { ...built, period };
}

const transports = new Map<string, Transporter>();

/** Claims the digest's email (emailed_at), sends it, and gives the claim back if sending fails. */
async function emailDigest(deps: Deps, input: { workspaceId: string; digestId: string; to: string }) {
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
    await transport.sendMail({ from: deps.config.DIGEST_FROM, to: input.to, subject: `Your Rivalwatch digest for ${claimed.period}`, text: claimed.text, html: claimed.html });
  } catch (err) {
    await sql`update digests set emailed_at = null where workspace_id = ${input.workspaceId} and id = ${input.digestId}`;
    throw err;
  }
}

export async function latestDigest(deps: Deps, input: { workspaceId: string; managerId: string }) {
  const [row] = await deps.database.sql<{ id: string; period: string; content: Record<string, unknown>; text: string; html: string; created_at: Date; emailed_at: Date | null }[]>`
    select id, period, content, text, html, created_at, emailed_at from digests
    where workspace_id = ${input.workspaceId} and manager_id = ${input.managerId} order by created_at desc, id desc limit 1`;
  if (!row) throw notFound("digest for manager", input.managerId);
  return { id: row.id, managerId: input.managerId, period: row.period, content: row.content, text: row.text, html: row.html, createdAt: row.created_at.toISOString(), emailedAt: row.emailed_at?.toISOString() ?? null };
}
