// The alert inbox: filters in the URL, cursor paging, row and bulk actions, keyboard use.
import { useEffect, useState } from "preact/hooks";
import { api, can } from "../api.ts";
import { AlertActions, label, labels, transition } from "../alert-actions.tsx";
import { fmt, t } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { navigate, setQuery } from "../router.ts";
import { Badge, Dialog, Empty, ErrorBox, Loading, TierBadge, topReason, useApi } from "../ui.tsx";

const filterKeys = ["status", "severity", "tier", "managerId", "rule", "openedFrom", "openedTo", "sort"] as const;

export default function Alerts({ session, query }: PageProps) {
  const filters = Object.fromEntries(filterKeys.map((k) => [k, query.get(k) ?? ""])) as Record<(typeof filterKeys)[number], string>;
  const [rows, setRows] = useState<any[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [help, setHelp] = useState(false);
  const [n, setN] = useState(0);
  const acts = can.actOnAlerts(session.role);
  const rules = useApi("/v1/rules");

  const params = () => {
    const q = new URLSearchParams({ limit: "25" });
    for (const k of filterKeys) {
      const v = filters[k];
      if (!v) continue;
      q.set(k, k === "openedFrom" || k === "openedTo" ? new Date(v + "T00:00:00").toISOString() : v);
    }
    return q;
  };
  useEffect(() => {
    setError(undefined);
    api(`/v1/alerts?${params()}`).then((r) => {
      setRows(r.alerts);
      setNext(r.nextCursor);
      setFocus((f) => Math.min(f, Math.max(0, r.alerts.length - 1)));
    }, setError);
  }, [query.toString(), n]);
  const reload = () => setN((x) => x + 1);
  async function more() {
    const q = params();
    q.set("cursor", next!);
    const r = await api(`/v1/alerts?${q}`);
    setRows((old) => [...(old ?? []), ...r.alerts]);
    setNext(r.nextCursor);
  }

  useEffect(() => {
    const onKey = async (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === "?") return setHelp(true);
      if (!rows?.length) return;
      const row = rows[focus];
      if (e.key === "j" || e.key === "k") {
        const i = Math.max(0, Math.min(rows.length - 1, focus + (e.key === "j" ? 1 : -1)));
        setFocus(i);
        (document.querySelector(`[data-row="${i}"] a`) as HTMLElement | null)?.focus();
      } else if (e.key === "Enter" && row && el.tagName !== "A" && el.tagName !== "BUTTON") navigate(`/console/alerts/${row.id}`);
      else if (e.key === "x" && row) toggle(row.id);
      else if (acts && row && (e.key === "a" || e.key === "s" || e.key === "r")) {
        await transition(row.id, e.key === "a" ? "acknowledge" : e.key === "s" ? "snooze" : "resolve").catch(setError);
        reload();
      } else if (acts && row && ["1", "2", "3", "4"].includes(e.key)) {
        await label(row.id, labels[Number(e.key) - 1]!).catch(setError);
        reload();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [rows, focus, acts]);

  function toggle(id: string) {
    setSelected((s) => {
      const c = new Set(s);
      c.has(id) ? c.delete(id) : c.add(id);
      return c;
    });
  }
  const set = (k: string, v: string) => setQuery({ ...filters, [k]: v });
  const sel = (k: (typeof filterKeys)[number], label: string, options: [string, string][], allLabel = t("all")) => (
    <label class="field inline-field">
      <span class="field-label">{label}</span>
      <select value={filters[k]} onChange={(e) => set(k, (e.target as HTMLSelectElement).value)}>
        <option value="">{allLabel}</option>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
  return (
    <>
      <div class="page-head">
        <h1>{t("alerts.title")}</h1>
        <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">?</button>
      </div>
      <form class="filters" aria-label={t("alerts.filters")} onSubmit={(e) => e.preventDefault()}>
        {sel("status", t("alerts.status"), ["open", "acknowledged", "snoozed", "resolved"].map((s) => [s, t(`status.${s}` as any)]))}
        {sel("severity", t("alerts.severity"), ["critical", "high", "medium", "low"].map((s) => [s, t(`sev.${s}` as any)]))}
        {sel("tier", t("alerts.tier"), ["Diamond", "Platinum", "Gold", "Silver", "Bronze"].map((s) => [s, s]))}
        {sel("sort", t("alerts.sort"), [["valueAtRisk", t("alerts.sort.valueAtRisk")]], t("alerts.sort.opened"))}
        <label class="field inline-field"><span class="field-label">{t("alerts.manager")}</span>
          <input value={filters.managerId} onChange={(e) => set("managerId", (e.target as HTMLInputElement).value)} size={10} /></label>
        {sel("rule", t("alerts.rule"), ruleOptions(rules.data?.rules, filters.rule))}
        <label class="field inline-field"><span class="field-label">{t("alerts.from")}</span>
          <input type="date" value={filters.openedFrom} onChange={(e) => set("openedFrom", (e.target as HTMLInputElement).value)} /></label>
        <label class="field inline-field"><span class="field-label">{t("alerts.to")}</span>
          <input type="date" value={filters.openedTo} onChange={(e) => set("openedTo", (e.target as HTMLInputElement).value)} /></label>
      </form>
      <p class="muted small">{t("alerts.keys")}</p>
      {error ? <ErrorBox error={error} retry={reload} /> : null}
      {acts && selected.size > 0 && (
        <div class="bulk" role="region" aria-label={t("alerts.selected", { n: selected.size })}>
          <strong>{t("alerts.selected", { n: selected.size })}</strong>
          <AlertActions ids={[...selected]} compact onDone={() => { setSelected(new Set()); reload(); }} />
        </div>
      )}
      {rows === null ? <Loading /> : rows.length === 0 ? <Empty><p>{t("alerts.empty")}</p></Empty> : (
        <table class="inbox">
          <thead>
            <tr>
              {acts && <th scope="col"><span class="sr-only">{t("col.select")}</span></th>}
              <th scope="col">{t("col.customer")}</th><th scope="col">{t("col.severity")}</th><th scope="col">{t("col.status")}</th><th scope="col">{t("col.tier")}</th>
              <th scope="col" class="num">{t("col.score")}</th><th scope="col" class="num">{t("col.valueAtRisk")}</th><th scope="col">{t("col.reason")}</th><th scope="col">{t("col.opened")}</th><th scope="col">{t("col.label")}</th>
              {acts && <th scope="col">{t("col.actions")}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((a, i) => (
              <tr key={a.id} data-row={i} class={i === focus ? "focused" : ""} aria-selected={selected.has(a.id)}>
                {acts && <td><input type="checkbox" aria-label={`${t("col.select")} ${a.customerId}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} /></td>}
                <td><a href={`/console/alerts/${a.id}`} onFocus={() => setFocus(i)}>{a.customerId}</a></td>
                <td><Badge kind="sev" prefix="sev" value={a.severity} /></td>
                <td><Badge kind="status" prefix="status" value={a.status} /></td>
                <td><TierBadge tier={a.tier} /></td>
                <td class="num">{a.score}</td>
                <td class="num">{fmt.money(a.valueAtRisk)}</td>
                <td><div class="reason" title={topReason(a.reasons)}>{topReason(a.reasons)}</div></td>
                <td>{fmt.date(a.openedAt)}</td>
                <td>{a.label ? <Badge kind="label" prefix="label" value={a.label} /> : "—"}</td>
                {acts && <td><AlertActions ids={[a.id]} status={a.status} currentLabel={a.label} compact onDone={reload} /></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button type="button" class="more" onClick={more}>{t("more")}</button>}
      {help && (
        <Dialog title={t("help.title")} onClose={() => setHelp(false)}>
          <dl class="keys">
            {([["j / k", "help.jk"], ["Enter", "help.enter"], ["x", "help.x"], ["a", "help.a"], ["s", "help.s"], ["r", "help.r"], ["1–4", "help.1"], ["?", "help.q"]] as const).map(([k, d]) => (
              <div key={k}><dt><kbd>{k}</kbd></dt><dd>{t(d)}</dd></div>
            ))}
          </dl>
        </Dialog>
      )}
    </>
  );
}

/** The workspace's rules by name; a rule in the URL that is not (or no longer) among them stays choosable. */
function ruleOptions(rules: { id: string; definition: { name: string } }[] | undefined, current: string): [string, string][] {
  const options: [string, string][] = (rules ?? []).map((r) => [r.id, r.definition.name]);
  if (current && !options.some(([id]) => id === current)) options.push([current, current]);
  return options;
}
