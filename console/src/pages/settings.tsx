// Settings: the workspace's tiers, scoring and actions (PATCH /v1/workspace/settings), webhook
// endpoints and their deliveries, signing sources, API keys and competitors. Admin only to change.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, can, type FieldError } from "../api.ts";
import { fmt, t, tv } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Badge, Card, ErrorBox, Field, fieldError, Loading, useApi } from "../ui.tsx";

const tiers = ["Bronze", "Silver", "Gold", "Platinum", "Diamond"];

export default function Settings({ session }: PageProps) {
  const ws = useApi("/v1/workspace");
  const rules = useApi("/v1/rules");
  const admin = can.admin(session.role);
  if (ws.error) return <ErrorBox error={ws.error} retry={ws.reload} />;
  if (!ws.data) return <Loading />;
  // GET /v1/workspace gives every setting in effect (defaults filled in) and which the workspace set itself.
  const s = ws.data.settings;
  const own = new Set<string>(ws.data.setByWorkspace ?? []);
  /** Says "default" beside a setting the workspace has not set. */
  const dflt = (path: string) => (own.has(path) ? undefined : t("settings.default"));
  const relative = s.tiers.method === "relative";
  return (
    <>
      <h1>{t("settings.title")}</h1>
      {!admin && <p class="muted">{t("settings.adminOnly")}</p>}
      <nav class="toc" aria-label={t("settings.title")}>
        {(["workspace", "tiers", "scoring", "actions", "endpoints", "sources", "keys", "competitors"] as const).map((k) => <a key={k} href={`#s-${k}`}>{t(`settings.${k}`)}</a>)}
      </nav>
      <SettingsForm id="s-workspace" title={t("settings.workspace")} admin={admin} onSaved={ws.reload}
        initial={{ locale: s.locale }}
        toPatch={(v) => ({ locale: v.locale })}
        render={(v, set, err) => (
          <div class="form-grid">
            <Field label={t("settings.locale")} error={err("locale")} hint={dflt("locale")}><select value={v.locale} onChange={(e) => set({ locale: (e.target as HTMLSelectElement).value })}><option value="ko">한국어</option><option value="en">English</option></select></Field>
            <Field label={t("settings.currency")}><input value={s.currency} readOnly /></Field>
          </div>
        )} />
      <SettingsForm id="s-tiers" title={t("settings.tiers")} admin={admin} onSaved={ws.reload}
        initial={{ weights: s.tiers.weights, cutoffs: s.tiers.cutoffs }}
        toPatch={(v) => ({ tiers: { weights: v.weights, cutoffs: v.cutoffs } })}
        render={(v, set, err) => (
          <>
            <h3>{t("settings.weights")}</h3>
            <div class="form-grid">
              {(["monetary", "frequency", "recency", "engagement"] as const).map((k) => (
                <Field key={k} label={t(`part.${k}`)} error={err(`tiers.weights.${k}`)} hint={dflt("tiers.weights")}><input type="number" step="0.05" min={0} value={v.weights[k]} onInput={(e) => set({ ...v, weights: { ...v.weights, [k]: Number((e.target as HTMLInputElement).value) } })} /></Field>
              ))}
            </div>
            <h3>{t(relative ? "settings.cutoffsRelative" : "settings.cutoffs")}</h3>
            <div class="form-grid">
              {tiers.slice(1).map((k) => (
                <Field key={k} label={k} error={err(`tiers.cutoffs.${k}`) ?? err("tiers.cutoffs")} hint={dflt("tiers.cutoffs")}><input type="number" min={0} max={relative ? 1 : 100} step={relative ? 0.01 : 1} value={v.cutoffs[k]} onInput={(e) => set({ ...v, cutoffs: { ...v.cutoffs, [k]: Number((e.target as HTMLInputElement).value) } })} /></Field>
              ))}
            </div>
            {admin && <TierPreview proposal={{ weights: v.weights, cutoffs: v.cutoffs }} />}
          </>
        )} />
      <SettingsForm id="s-scoring" title={t("settings.scoring")} admin={admin} onSaved={ws.reload}
        initial={{ alertThreshold: s.scoring.alertThreshold, alertOnSeverity: s.scoring.alertOnSeverity as string, modelWeight: s.scoring.modelWeight, alertHoldout: s.scoring.alertHoldout as Record<string, number>, oneAlertPerEpisode: s.scoring.oneAlertPerEpisode as boolean }}
        toPatch={(v) => ({
          scoring: {
            alertThreshold: v.alertThreshold,
            alertOnSeverity: v.alertOnSeverity,
            modelWeight: v.modelWeight,
            alertHoldout: Object.fromEntries(Object.entries(v.alertHoldout).filter(([, p]) => p > 0)),
            oneAlertPerEpisode: v.oneAlertPerEpisode,
          },
        })}
        render={(v, set, err) => (
          <>
            <div class="form-grid">
              <Field label={t("settings.threshold")} error={err("scoring.alertThreshold")} hint={dflt("scoring.alertThreshold")}><input type="number" min={1} max={100} value={v.alertThreshold} onInput={(e) => set({ ...v, alertThreshold: Number((e.target as HTMLInputElement).value) })} /></Field>
              <Field label={t("settings.alertOnSeverity")} error={err("scoring.alertOnSeverity")} hint={dflt("scoring.alertOnSeverity")}>
                <select value={v.alertOnSeverity} onChange={(e) => set({ ...v, alertOnSeverity: (e.target as HTMLSelectElement).value })}>
                  {["low", "medium", "high", "critical"].map((x) => <option key={x} value={x}>{tv("sev", x)}</option>)}
                </select>
              </Field>
              <Field label={t("settings.modelWeight")} error={err("scoring.modelWeight")} hint={dflt("scoring.modelWeight")}><input type="number" min={0} max={100} value={v.modelWeight} onInput={(e) => set({ ...v, modelWeight: Number((e.target as HTMLInputElement).value) })} /></Field>
            </div>
            <label class="check"><input type="checkbox" checked={v.oneAlertPerEpisode} onChange={(e) => set({ ...v, oneAlertPerEpisode: (e.target as HTMLInputElement).checked })} /> {t("settings.oneAlertPerEpisode")}</label>
            <p class="hint">{t("settings.oneAlertPerEpisodeHelp")}{dflt("scoring.oneAlertPerEpisode") && ` (${dflt("scoring.oneAlertPerEpisode")})`}</p>
            {err("scoring.oneAlertPerEpisode") && <p class="field-error" role="alert">{err("scoring.oneAlertPerEpisode")}</p>}
            {/* Per rule, the share of its alerts held out from actions, to compare acting with not acting. */}
            <h3>{t("settings.alertHoldout")}</h3>
            <p class="hint">{t("settings.alertHoldoutHelp")}{dflt("scoring.alertHoldout") && ` (${dflt("scoring.alertHoldout")})`}</p>
            {err("scoring.alertHoldout") && <p class="field-error" role="alert">{err("scoring.alertHoldout")}</p>}
            <div class="form-grid">
              {(rules.data?.rules ?? []).filter((r: any) => r.mode !== "off").map((r: any) => (
                <Field key={r.id} label={r.name} error={err(`scoring.alertHoldout.${r.id}`)}>
                  <input type="number" min={0} max={100} value={v.alertHoldout[r.id] ?? 0} onInput={(e) => set({ ...v, alertHoldout: { ...v.alertHoldout, [r.id]: Number((e.target as HTMLInputElement).value) } })} />
                </Field>
              ))}
            </div>
          </>
        )} />
      <SettingsForm id="s-actions" title={t("settings.actions")} admin={admin} onSaved={ws.reload}
        initial={{ taskTiers: s.actions.taskTiers as string[], taskMinValueAtRisk: s.actions.taskMinValueAtRisk as number | null, webhookAllowList: s.actions.webhookAllowList as string[] }}
        toPatch={(v) => ({ actions: { taskTiers: v.taskTiers, taskMinValueAtRisk: v.taskMinValueAtRisk, webhookAllowList: v.webhookAllowList } })}
        render={(v, set, err) => (
          <>
            <fieldset class="tiers"><legend>{t("settings.taskTiers")}{dflt("actions.taskTiers") && <span class="hint"> ({dflt("actions.taskTiers")})</span>}</legend>
              {tiers.map((x) => <label key={x} class="check"><input type="checkbox" checked={v.taskTiers.includes(x)} onChange={(e) => set({ ...v, taskTiers: (e.target as HTMLInputElement).checked ? tiers.filter((y) => y === x || v.taskTiers.includes(y)) : v.taskTiers.filter((y: string) => y !== x) })} /> {x}</label>)}
            </fieldset>
            <div class="form-grid">
              <Field label={t("settings.taskMin")} error={err("actions.taskMinValueAtRisk")} hint={dflt("actions.taskMinValueAtRisk")}><input type="number" min={0} value={v.taskMinValueAtRisk ?? ""} onInput={(e) => { const x = (e.target as HTMLInputElement).value; set({ ...v, taskMinValueAtRisk: x === "" ? null : Number(x) }); }} /></Field>
              <Field label={t("settings.allowList")} error={err("actions.webhookAllowList")} hint={dflt("actions.webhookAllowList") ?? "10.0.0.0/8, hooks.internal"}><input value={v.webhookAllowList.join(", ")} onInput={(e) => set({ ...v, webhookAllowList: (e.target as HTMLInputElement).value.split(",").map((x) => x.trim()).filter(Boolean) })} /></Field>
            </div>
          </>
        )} />
      {admin && <Endpoints />}
      {admin && <Sources />}
      {admin && <Keys />}
      <Competitors />
    </>
  );
}

type TierCounts = Record<string, number>;
type TierPreviewResult = { customers: number; current: TierCounts; untiered: number; proposed: TierCounts; moved: number };

/** The tier distribution the edited weights and cut-offs would give (POST /v1/tiers/preview), asked for once typing pauses. */
function TierPreview({ proposal }: { proposal: unknown }) {
  const [state, setState] = useState<{ data?: TierPreviewResult; error?: ApiError }>({});
  const body = JSON.stringify(proposal);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api<TierPreviewResult>("/v1/tiers/preview", { method: "POST", body: proposal }).then(
        (data) => live && setState({ data }),
        (error) => live && setState((s) => ({ data: s.data, error })),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [body]);
  const { data, error } = state;
  return (
    <section class="tier-preview" aria-live="polite" aria-busy={!data && !error}>
      <h3>{t("settings.preview")}</h3>
      {error && <p class="field-error">{t("settings.previewInvalid", { m: error.errors[0]?.message ?? error.message })}</p>}
      {!data ? !error && <Loading /> : (
        <>
          <p class="muted">{t("settings.previewHint", { n: fmt.num(data.customers), moved: fmt.num(data.moved) })}</p>
          <table>
            <caption class="sr-only">{t("settings.preview")}</caption>
            <thead><tr><th scope="col">{t("col.tier")}</th><th scope="col">{t("settings.previewNow")}</th><th scope="col">{t("settings.previewProposed")}</th><th scope="col">{t("settings.previewChange")}</th></tr></thead>
            <tbody>
              {tiers.map((tier) => {
                const change = data.proposed[tier]! - data.current[tier]!;
                return <tr key={tier} data-tier={tier}><th scope="row">{tier}</th><td>{fmt.num(data.current[tier])}</td><td class="proposed">{fmt.num(data.proposed[tier])}</td><td>{change > 0 ? "+" : ""}{fmt.num(change)}</td></tr>;
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function SettingsForm<V>({ id, title, admin, initial, toPatch, render, onSaved }: {
  id: string; title: string; admin: boolean; initial: V; toPatch: (v: V) => unknown; onSaved: () => void;
  render: (v: V, set: (v: V) => void, err: (p: string) => string | undefined) => preact.ComponentChildren;
}) {
  const [v, setV] = useState<V>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState(false);
  async function save(e: Event) {
    e.preventDefault();
    setErrors([]);
    setSaved(false);
    try {
      await api("/v1/workspace/settings", { method: "PATCH", body: toPatch(v) });
      setSaved(true);
      onSaved();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors.length ? err.errors : [{ path: "(root)", message: err.message }]);
    }
  }
  return (
    <Card title={title} id={id + "-h"}>
      <form id={id} onSubmit={save}>
        <fieldset disabled={!admin} class="plain-fieldset">
          <legend class="sr-only">{title}</legend>
          {render(v, setV, (p) => fieldError(errors, p))}
          {errors.some((e) => e.path === "(root)") && <p class="field-error" role="alert">{errors[0]!.message}</p>}
          {admin && <button class="primary" type="submit">{t("save")}</button>}
          {saved && <span class="ok" role="status"> {t("saved")}</span>}
        </fieldset>
      </form>
    </Card>
  );
}

function Keys() {
  const keys = useApi("/v1/api-keys");
  const [name, setName] = useState("");
  const [role, setRole] = useState("manager");
  const [created, setCreated] = useState<string>("");
  const [error, setError] = useState<unknown>();
  async function create(e: Event) {
    e.preventDefault();
    try {
      const k = await api("/v1/api-keys", { body: { name, role } });
      setCreated(k.key);
      setName("");
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Card title={t("settings.keys")} id="s-keys">
      <form class="inline" onSubmit={create}>
        <Field label={t("settings.newKeyName")}><input value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} /></Field>
        <Field label={t("role")}><select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>{["ingest", "marketer", "manager", "admin"].map((r) => <option key={r} value={r}>{tv("roles", r)}</option>)}</select></Field>
        <button type="submit">{t("create")}</button>
      </form>
      {created && <p class="once" role="status">{t("settings.keyOnce")} <code>{created}</code></p>}
      {error ? <ErrorBox error={error} /> : null}
      <table>
        <thead><tr><th scope="col">{t("col.name")}</th><th scope="col">{t("role")}</th><th scope="col">{t("settings.prefix")}</th><th scope="col">{t("col.when")}</th><th scope="col">{t("col.actions")}</th></tr></thead>
        <tbody>
          {(keys.data?.apiKeys ?? []).map((k: any) => (
            <tr key={k.id}>
              <td>{k.name}</td><td>{tv("roles", k.role)}</td><td><code>{k.prefix}…</code></td><td>{fmt.date(k.createdAt)}</td>
              <td>{k.revokedAt ? <span class="muted">{t("settings.revoked")}</span> : <button type="button" onClick={() => api(`/v1/api-keys/${k.id}`, { method: "DELETE" }).then(keys.reload, setError)} aria-label={`${t("settings.revoke")} ${k.name}`}>{t("settings.revoke")}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Endpoints() {
  const endpoints = useApi("/v1/webhook-endpoints");
  const deliveries = useApi("/v1/deliveries?limit=20");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>();
  async function create(e: Event) {
    e.preventDefault();
    try {
      const r = await api("/v1/webhook-endpoints", { body: { url, events: ["alert.opened", "alert.updated", "alert.resolved"] } });
      setSecret(r.secret ?? "");
      setUrl("");
      endpoints.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Card title={t("settings.endpoints")} id="s-endpoints">
      <form class="inline" onSubmit={create}>
        <Field label={t("settings.url")}><input type="url" value={url} required placeholder="https://crm.example.com/hooks/rivalwatch" onInput={(e) => setUrl((e.target as HTMLInputElement).value)} /></Field>
        <button type="submit">{t("create")}</button>
      </form>
      {secret && <p class="once" role="status">{t("settings.secretOnce")} <code>{secret}</code></p>}
      {error ? <ErrorBox error={error} /> : null}
      <table>
        <thead><tr><th scope="col">{t("settings.url")}</th><th scope="col">{t("settings.events")}</th><th scope="col">{t("col.status")}</th></tr></thead>
        <tbody>{(endpoints.data?.webhookEndpoints ?? []).map((w: any) => <tr key={w.id}><td>{w.url}</td><td>{(w.events ?? []).join(", ")}</td><td>{w.disabledAt ? t("settings.disabled") : t("settings.enabled")}</td></tr>)}</tbody>
      </table>
      <h3>{t("settings.deliveries")}</h3>
      <table>
        <thead><tr><th scope="col">{t("col.type")}</th><th scope="col">{t("col.status")}</th><th scope="col">{t("col.when")}</th><th scope="col">{t("col.actions")}</th></tr></thead>
        <tbody>{(deliveries.data?.deliveries ?? []).map((d: any) => (
          <tr key={d.id}><td>{d.eventType ?? d.type}</td><td>{d.status}</td><td>{fmt.dateTime(d.createdAt)}</td>
            <td>{d.status === "failed" && <button type="button" onClick={() => api(`/v1/deliveries/${d.id}/replay`, { method: "POST", body: {} }).then(deliveries.reload, setError)}>{t("settings.replay")}</button>}</td></tr>
        ))}</tbody>
      </table>
    </Card>
  );
}

function Sources() {
  const sources = useApi("/v1/webhook-sources");
  const [name, setName] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>();
  async function create(e: Event) {
    e.preventDefault();
    try {
      const r = await api("/v1/webhook-sources", { body: { name } });
      setSecret(r.secret);
      setName("");
      sources.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Card title={t("settings.sources")} id="s-sources">
      <form class="inline" onSubmit={create}>
        <Field label={t("settings.sourceName")}><input value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} /></Field>
        <button type="submit">{t("create")}</button>
      </form>
      {secret && <p class="once" role="status">{t("settings.secretOnce")} <code>{secret}</code></p>}
      {error ? <ErrorBox error={error} /> : null}
      <ul class="plain">{(sources.data?.webhookSources ?? []).map((s: any) => (
        <li key={s.id}>{s.name} <code class="muted">{s.id}</code> <button type="button" class="link" onClick={() => api(`/v1/webhook-sources/${s.id}`, { method: "DELETE" }).then(sources.reload, setError)}>{t("delete")}</button></li>
      ))}</ul>
    </Card>
  );
}

function Competitors() {
  const list = useApi("/v1/competitors");
  return (
    <Card title={t("settings.competitors")} id="s-competitors">
      <table>
        <thead><tr><th scope="col">{t("col.name")}</th><th scope="col">{t("settings.apps")}</th><th scope="col">{t("col.when")}</th></tr></thead>
        <tbody>{(list.data?.competitors ?? []).map((c: any) => <tr key={c.id}><td>{c.name ?? c.id} {c.id !== c.name && <code class="muted">{c.id}</code>}</td><td>{(c.apps ?? []).map((a: string) => <Badge key={a} kind="app" prefix="app" value={a} />)}</td><td>{fmt.date(c.firstSeenAt ?? c.createdAt)}</td></tr>)}</tbody>
      </table>
    </Card>
  );
}
