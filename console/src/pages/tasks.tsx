// A manager's own tasks: overdue first then by value at risk (the API's order), with the
// alert's reasons and the suggested play; start, complete with an outcome, dismiss.
import { useState } from "preact/hooks";
import { api, can } from "../api.ts";
import { fmt, t } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Badge, Card, Empty, ErrorBox, Field, Loading, TierBadge, useApi } from "../ui.tsx";

export default function Tasks({ session }: PageProps) {
  const [managerId, setManagerId] = useState(localStorage.getItem("rw.managerId") ?? "");
  const managers = useApi(can.tasks(session.role) ? "/v1/managers" : null);
  const tasks = useApi(managerId ? `/v1/tasks?managerId=${encodeURIComponent(managerId)}` : null);
  const digest = useApi(managerId ? `/v1/digests/${encodeURIComponent(managerId)}/latest` : null);
  const preview = useApi(managerId ? `/v1/digests/${encodeURIComponent(managerId)}/preview` : null);
  const [sendError, setSendError] = useState<unknown>();
  async function sendNow() {
    setSendError(undefined);
    try {
      await api(`/v1/digests/${encodeURIComponent(managerId)}/send`, { body: {} });
      digest.reload();
      preview.reload();
    } catch (e) {
      setSendError(e);
    }
  }
  if (!can.tasks(session.role)) return <><h1>{t("tasks.title")}</h1><Empty><p>{t("tasks.empty")}</p></Empty></>;
  const choose = (id: string) => {
    localStorage.setItem("rw.managerId", id); // which manager this browser is, not a secret
    setManagerId(id);
  };
  const list: any[] = [...(tasks.data?.tasks ?? [])].sort((a, b) => Number(b.overdue) - Number(a.overdue) || (b.valueAtRisk ?? -1) - (a.valueAtRisk ?? -1));
  return (
    <>
      <h1>{t("tasks.title")}</h1>
      {managers.error ? <ErrorBox error={managers.error} /> : (
        <Field label={t("tasks.whoAmI")}>
          <select value={managerId} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
            <option value="">{t("tasks.pick")}…</option>
            {(managers.data?.managers ?? []).map((m: any) => <option key={m.id} value={m.id}>{m.name} ({m.id})</option>)}
          </select>
        </Field>
      )}
      {managers.data?.managers?.length === 0 && <Empty><p>{t("tasks.noManagers")}</p></Empty>}
      {managerId && (tasks.error ? <ErrorBox error={tasks.error} retry={tasks.reload} /> : !tasks.data ? <Loading /> : list.length === 0 ? <Empty><p>{t("tasks.empty")}</p></Empty> : (
        <ul class="task-list">{list.map((task) => <TaskCard key={task.id} task={task} onDone={tasks.reload} />)}</ul>
      ))}
      {managerId && (
        <Card title={t("tasks.preview")}>
          {preview.error ? <ErrorBox error={preview.error} retry={preview.reload} /> : !preview.data ? <Loading /> : (
            <div class="digest-preview">
              <pre class="digest">{preview.data.text}</pre>
              {preview.data.sent ? <p class="muted">{t("tasks.alreadySent")} {fmt.dateTime(preview.data.sent.createdAt)}</p> : (
                <button type="button" class="primary" onClick={sendNow}>{t("tasks.sendNow")}</button>
              )}
              {sendError ? <ErrorBox error={sendError} /> : null}
            </div>
          )}
        </Card>
      )}
      {managerId && (
        <Card title={t("tasks.digest")}>
          {digest.data ? <DigestView d={digest.data} /> : <p class="muted">{t("tasks.noDigest")}</p>}
        </Card>
      )}
    </>
  );
}

function TaskCard({ task, onDone }: { task: any; onDone: () => void }) {
  const [outcome, setOutcome] = useState("retained");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  async function act(body: unknown) {
    setError(undefined);
    try {
      await api(`/v1/tasks/${encodeURIComponent(task.id)}/transitions`, { body });
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <li class={`card task${task.overdue ? " overdue" : ""}`}>
      <header class="card-head">
        <h2><a href={`/console/customers/${encodeURIComponent(task.customerId)}`}>{task.customerId}</a></h2>
        <span><TierBadge tier={task.tier} /> <Badge kind="sev" prefix="sev" value={task.severity} /> <Badge kind="status" prefix="status" value={task.status} /> {task.overdue && <span class="badge sev-critical">{t("tasks.overdue")}</span>}</span>
      </header>
      <p><strong>{t("col.play")}:</strong> {task.play}</p>
      <ul>{task.why.map((w: string, i: number) => <li key={i}>{w}</li>)}</ul>
      <p class="muted">{t("col.valueAtRisk")} {fmt.money(task.valueAtRisk)} · {t("col.due")} {fmt.dateTime(task.dueAt)} · <a href={`/console/alerts/${task.alertId}`}>{t("alerts.detail")}</a></p>
      <div class="actions">
        {task.status === "open" && <button type="button" onClick={() => act({ action: "start" })}>{t("act.start")}</button>}
        <label class="field inline-field"><span class="field-label">{t("tasks.outcome")}</span>
          <select value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>{["retained", "lost", "no_contact"].map((o) => <option key={o} value={o}>{t(`outcome.${o}` as any)}</option>)}</select></label>
        <button type="button" class="primary" onClick={() => act({ action: "complete", outcome })}>{t("act.complete")}</button>
        <label class="field inline-field"><span class="field-label">{t("tasks.reason")}</span><input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} /></label>
        <button type="button" disabled={!reason.trim()} onClick={() => act({ action: "dismiss", reason })}>{t("act.dismiss")}</button>
      </div>
      {error ? <ErrorBox error={error} /> : null}
    </li>
  );
}

function DigestView({ d }: { d: any }) {
  return (
    <div>
      <p class="muted">{fmt.dateTime(d.createdAt ?? d.sentAt ?? d.periodStart)}</p>
      {d.subject && <h3>{d.subject}</h3>}
      {d.text ? <pre class="digest">{d.text}</pre> : <pre class="digest">{JSON.stringify(d.content ?? d, null, 2)}</pre>}
    </div>
  );
}
