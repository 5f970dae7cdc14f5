import { can } from "../api.ts";
import { AlertActions } from "../alert-actions.tsx";
import { fmt, t, tv } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Badge, Card, ErrorBox, Loading, TierBadge, useApi } from "../ui.tsx";

export default function AlertPage({ session, params, workspace }: PageProps) {
  const alert = useApi(`/v1/alerts/${encodeURIComponent(params.alertId!)}`);
  if (alert.error) return <ErrorBox error={alert.error} retry={alert.reload} />;
  if (!alert.data) return <Loading />;
  const a = alert.data;
  return (
    <>
      <div class="page-head">
        <h1>{t("alerts.detail")}: <a href={`/console/customers/${encodeURIComponent(a.customerId)}`}>{a.customerId}</a></h1>
        <Badge kind="sev" prefix="sev" value={a.severity} /> <Badge kind="status" prefix="status" value={a.status} /> <TierBadge tier={a.tier} />
      </div>
      <dl class="facts">
        <div><dt>{t("col.score")}</dt><dd>{a.score}</dd></div>
        <div><dt>{t("col.valueAtRisk")}</dt><dd>{fmt.money(a.valueAtRisk)}</dd></div>
        <div><dt>{t("col.opened")}</dt><dd>{fmt.dateTime(a.openedAt)}</dd></div>
        <div><dt>{t("col.manager")}</dt><dd>{a.managerId ?? "—"}</dd></div>
        <div><dt>{t("col.label")}</dt><dd>{a.label ? <Badge kind="label" prefix="label" value={a.label} /> : "—"}</dd></div>
      </dl>
      {/* Why no new alert follows a resolved one for a customer who has not bought since. */}
      {a.status === "resolved" && workspace?.settings?.scoring?.oneAlertPerEpisode !== false && <p class="hint">{t("alerts.episodeHint")}</p>}
      {can.actOnAlerts(session.role) && <AlertActions ids={[a.id]} status={a.status} currentLabel={a.label} onDone={alert.reload} />}
      <Card title={t("alerts.reasons")}>
        <Reasons reasons={a.reasons} />
      </Card>
      <Card title={t("alerts.events")}>
        <ol class="timeline">
          {a.events.map((e: any, i: number) => (
            <li key={i}><time>{fmt.dateTime(e.at)}</time> <strong>{tv("event", e.type)}</strong>{eventDetail(e)} <span class="muted">{e.actor === "system" ? t("event.system") : e.actor}</span></li>
          ))}
        </ol>
      </Card>
    </>
  );
}

/** What an event changed, in a few words: the score that opened it, the label, the snooze's end, the note. */
function eventDetail(e: { type: string; detail: any }): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (e.type === "opened" || e.type === "updated") parts.push(t("event.score", { n: d.score }));
  if (e.type === "snooze" && d.until) parts.push(fmt.dateTime(d.until));
  if (e.type === "labeled") parts.push(tv("label", d.label));
  if (d.note) parts.push(`“${d.note}”`);
  return parts.length ? ` ${parts.join(" · ")}` : "";
}

export function Reasons({ reasons }: { reasons: any[] }) {
  return (
    <ul class="reasons">
      {reasons.map((r) => (
        <li key={r.ruleId}>
          <a href={`/console/rules/${encodeURIComponent(r.ruleId)}`}>{r.name}</a> <span class="muted">v{r.version} · +{r.points}</span>{" "}
          <Badge kind="sev" prefix="sev" value={r.severity} />
          <ul>{r.sentences.map((s: string, i: number) => <li key={i}>{s}</li>)}</ul>
        </li>
      ))}
    </ul>
  );
}
