// Acting on alerts: one place for the transitions and labels used by the row, the detail
// page and bulk actions, all through POST /v1/alerts/{id}/transitions and /label.
import { useState } from "preact/hooks";
import { api } from "./api.ts";
import { t } from "./i18n.ts";

export const labels = ["real_risk", "false_alarm", "saved", "lost"] as const;
export const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

export function transition(alertId: string, action: "acknowledge" | "resolve" | "reopen" | "snooze", until?: string) {
  return api(`/v1/alerts/${encodeURIComponent(alertId)}/transitions`, { body: action === "snooze" ? { action, until: until ?? inDays(7) } : { action } });
}
export const label = (alertId: string, value: string) => api(`/v1/alerts/${encodeURIComponent(alertId)}/label`, { body: { label: value } });

/** The buttons for one alert (or, with several ids, for all of them). */
export function AlertActions({ ids, status, currentLabel, onDone, compact }: { ids: string[]; status?: string; currentLabel?: string | null; onDone: () => void; compact?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [until, setUntil] = useState(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
  const name = ids.length === 1 ? ids[0] : `${ids.length}`;
  async function run(f: (id: string) => Promise<unknown>) {
    setBusy(true);
    setError("");
    const results = await Promise.allSettled(ids.map(f));
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    if (failed) setError(failed.reason?.message ?? String(failed.reason));
    setBusy(false);
    onDone();
  }
  const can = (a: string) => !status || ({ acknowledge: ["open", "snoozed"], snooze: ["open", "acknowledged"], resolve: ["open", "acknowledged", "snoozed"], reopen: ["acknowledged", "snoozed"] } as Record<string, string[]>)[a]!.includes(status);
  return (
    <div class="actions" role="group" aria-label={`${t("col.actions")} ${name}`}>
      {can("acknowledge") && <button type="button" disabled={busy} onClick={() => run((id) => transition(id, "acknowledge"))}>{t("act.acknowledge")}</button>}
      {can("snooze") && (
        <span class="inline">
          {!compact && <input type="date" aria-label={t("alerts.snoozeUntil")} value={until} onChange={(e) => setUntil((e.target as HTMLInputElement).value)} />}
          <button type="button" disabled={busy} onClick={() => run((id) => transition(id, "snooze", new Date(until + "T09:00:00").toISOString()))}>{t("act.snooze")}</button>
        </span>
      )}
      {can("resolve") && <button type="button" disabled={busy} onClick={() => run((id) => transition(id, "resolve"))}>{t("act.resolve")}</button>}
      {!compact && status && can("reopen") && <button type="button" disabled={busy} onClick={() => run((id) => transition(id, "reopen"))}>{t("act.reopen")}</button>}
      <select aria-label={`${t("act.label")} ${name}`} disabled={busy} value={currentLabel ?? ""} onChange={(e) => { const v = (e.target as HTMLSelectElement).value; if (v) run((id) => label(id, v)); }}>
        <option value="">{t("act.label")}…</option>
        {labels.map((l) => <option key={l} value={l}>{t(`label.${l}`)}</option>)}
      </select>
      {error && <span class="field-error" role="alert">{error}</span>}
    </div>
  );
}
