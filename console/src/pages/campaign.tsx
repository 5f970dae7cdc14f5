// A campaign: edit it, preview its message for a real customer, and read its results with
// the uplift's 95% interval drawn against zero.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, can, type FieldError } from "../api.ts";
import { fmt, t, tv } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { navigate } from "../router.ts";
import { Card, ErrorBox, Field, fieldError, Loading, useApi } from "../ui.tsx";

const tiers = ["Bronze", "Silver", "Gold", "Platinum", "Diamond"];
const channels = ["push", "in_app", "email", "sms", "webhook"];
const blank = () => ({ slug: "", name: "", channel: "push", template: { title: "", body: "{{name}}님, 다시 만나요!" }, coupon: null as any, triggerRules: [] as string[], tiers: [] as string[], holdoutPercent: 10, frequencyCap: { count: 1, days: 30 }, attributionDays: 14, advertising: true, activeFrom: null as string | null, activeUntil: null as string | null });

export default function CampaignPage({ params, session }: PageProps) {
  const isNew = params.campaignId === "new";
  const stored = useApi(isNew ? null : `/v1/campaigns/${encodeURIComponent(params.campaignId!)}`);
  const stats = useApi(isNew ? null : `/v1/campaigns/${encodeURIComponent(params.campaignId!)}/stats`);
  const [c, setC] = useState<any>(isNew ? blank() : null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState("");
  const edit = can.editRules(session.role);
  useEffect(() => void (stored.data && setC(stored.data)), [stored.data]);
  if (stored.error) return <ErrorBox error={stored.error} retry={stored.reload} />;
  if (!c) return <Loading />;
  const set = (k: string, v: unknown) => setC({ ...c, [k]: v });
  const err = (p: string) => fieldError(errors, p);
  async function save(e: Event) {
    e.preventDefault();
    setErrors([]);
    setMessage("");
    const body: any = { name: c.name, template: { body: c.template.body, ...(c.template.title ? { title: c.template.title } : {}) }, coupon: c.coupon, triggerRules: c.triggerRules, tiers: c.tiers, holdoutPercent: c.holdoutPercent, frequencyCap: c.frequencyCap, attributionDays: c.attributionDays, advertising: c.advertising, activeFrom: c.activeFrom, activeUntil: c.activeUntil };
    try {
      if (isNew) {
        const created = await api("/v1/campaigns", { body: { ...body, slug: c.slug, channel: c.channel } });
        navigate(`/console/campaigns/${encodeURIComponent(created.id)}`, true);
      } else {
        setC(await api(`/v1/campaigns/${encodeURIComponent(c.id)}`, { method: "PATCH", body }));
        setMessage(t("saved"));
      }
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.errors.length ? e.errors : [{ path: "(root)", message: e.message }]);
    }
  }
  const date = (v: string | null) => (v ? v.slice(0, 10) : "");
  return (
    <>
      <h1>{isNew ? t("campaigns.new") : c.name}</h1>
      {message && <p class="ok" role="status">{message}</p>}
      {errors.some((e) => e.path === "(root)") && <ErrorBox error={new Error(errors.map((e) => e.message).join(" "))} />}
      <form onSubmit={save}>
        <fieldset disabled={!edit} class="plain-fieldset">
          <legend class="sr-only">{t("campaigns.title")}</legend>
          <div class="form-grid">
            {isNew && <Field label={t("campaigns.slug")} error={err("slug")}><input value={c.slug} required onInput={(e) => set("slug", (e.target as HTMLInputElement).value)} /></Field>}
            <Field label={t("col.name")} error={err("name")}><input value={c.name} required onInput={(e) => set("name", (e.target as HTMLInputElement).value)} /></Field>
            <Field label={t("col.channel")} error={err("channel")}><select disabled={!isNew} value={c.channel} onChange={(e) => set("channel", (e.target as HTMLSelectElement).value)}>{channels.map((x) => <option key={x}>{x}</option>)}</select></Field>
            <Field label={t("campaigns.holdout")} error={err("holdoutPercent")}><input type="number" min={0} max={100} value={c.holdoutPercent} onInput={(e) => set("holdoutPercent", Number((e.target as HTMLInputElement).value))} /></Field>
            <Field label={t("campaigns.capCount")} error={err("frequencyCap")}><input type="number" min={1} value={c.frequencyCap.count} onInput={(e) => set("frequencyCap", { ...c.frequencyCap, count: Number((e.target as HTMLInputElement).value) })} /></Field>
            <Field label={t("campaigns.capDays")}><input type="number" min={1} value={c.frequencyCap.days} onInput={(e) => set("frequencyCap", { ...c.frequencyCap, days: Number((e.target as HTMLInputElement).value) })} /></Field>
            <Field label={t("campaigns.couponValue")} error={err("coupon")}><input type="number" min={0} value={c.coupon?.value ?? ""} onInput={(e) => { const v = (e.target as HTMLInputElement).value; set("coupon", v ? { ...(c.coupon ?? {}), value: Number(v), kind: c.coupon?.kind ?? "amount", expiresInDays: c.coupon?.expiresInDays ?? 14 } : null); }} /></Field>
            <Field label={t("campaigns.from")} error={err("activeFrom")}><input type="date" value={date(c.activeFrom)} onInput={(e) => { const v = (e.target as HTMLInputElement).value; set("activeFrom", v ? new Date(v + "T00:00:00Z").toISOString() : null); }} /></Field>
            <Field label={t("campaigns.until")} error={err("activeUntil")}><input type="date" value={date(c.activeUntil)} onInput={(e) => { const v = (e.target as HTMLInputElement).value; set("activeUntil", v ? new Date(v + "T00:00:00Z").toISOString() : null); }} /></Field>
          </div>
          <Field label={t("campaigns.triggerRules")} error={err("triggerRules")}><input value={c.triggerRules.join(", ")} onInput={(e) => set("triggerRules", (e.target as HTMLInputElement).value.split(",").map((s) => s.trim()).filter(Boolean))} /></Field>
          <fieldset class="tiers"><legend>{t("col.tiers")}</legend>
            {tiers.map((x) => <label key={x} class="check"><input type="checkbox" checked={c.tiers.includes(x)} onChange={(e) => set("tiers", (e.target as HTMLInputElement).checked ? tiers.filter((y) => y === x || c.tiers.includes(y)) : c.tiers.filter((y: string) => y !== x))} /> {x}</label>)}
          </fieldset>
          <label class="check"><input type="checkbox" checked={c.advertising} onChange={(e) => set("advertising", (e.target as HTMLInputElement).checked)} /> {t("campaigns.advertising")}</label>
          <Field label={t("campaigns.titleField")} error={err("template.title")}><input value={c.template.title ?? ""} onInput={(e) => set("template", { ...c.template, title: (e.target as HTMLInputElement).value })} /></Field>
          <Field label={t("campaigns.template")} error={err("template.body")} hint="{{name}}, {{tier}}, {{coupon}}"><textarea rows={3} value={c.template.body} onInput={(e) => set("template", { ...c.template, body: (e.target as HTMLTextAreaElement).value })} /></Field>
          {edit && <button class="primary" type="submit">{t("save")}</button>}
        </fieldset>
      </form>
      {!isNew && <Preview campaignId={c.id} />}
      {!isNew && stats.data && <Stats s={stats.data} />}
    </>
  );
}

/** What a real customer would get from the saved campaign now, or why nothing (GET /v1/campaigns/{id}/preview). */
function Preview({ campaignId }: { campaignId: string }) {
  const [customerId, setCustomerId] = useState("");
  const [p, setP] = useState<any>(null);
  const [error, setError] = useState<unknown>();
  async function run(e: Event) {
    e.preventDefault();
    setError(undefined);
    try {
      setP(await api(`/v1/campaigns/${encodeURIComponent(campaignId)}/preview?customerId=${encodeURIComponent(customerId)}`));
    } catch (err) {
      setP(null);
      setError(err);
    }
  }
  return (
    <Card title={t("campaigns.preview")} id="campaign-preview">
      <p class="muted small">{t("preview.savedOnly")}</p>
      <form class="inline" onSubmit={run}>
        <Field label={t("editor.tryCustomer")}><input value={customerId} required onInput={(e) => setCustomerId((e.target as HTMLInputElement).value)} /></Field>
        <button type="submit">{t("preview.run")}</button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {p && (
        <div class="preview" role="status">
          <p><strong>{tv("preview", p.outcome)}</strong>{p.reason && <>: {tv("why", p.reason)}</>}</p>
          <div class="message-preview">
            {p.message.title && <p><strong>{p.message.title}</strong></p>}
            <p class="pre">{p.message.body}</p>
          </div>
          <p class="muted small">
            {p.message.channel} · {t("preview.sendAt", { d: fmt.dateTime(p.sendAt) })}{p.quietHoursDeferred && ` ${t("preview.deferred", { tz: p.timezone })}`}
            {p.coupon && ` · ${fmt.money(p.coupon.value)} ${p.coupon.code ?? ""}`}
          </p>
        </div>
      )}
    </Card>
  );
}

function Stats({ s }: { s: any }) {
  const u = s.uplift;
  // The interval on a scale from −max to +max around zero.
  const span = Math.max(0.05, Math.abs(u.low ?? 0), Math.abs(u.high ?? 0));
  const x = (v: number) => 50 + (v / span) * 45;
  return (
    <Card title={t("campaigns.stats")}>
      <div class="stats">
        {(["enrolled", "treated", "holdout", "delivered", "opened", "clicked"] as const).map((k) => <div class="stat" key={k}><span class="stat-label">{t(`stat.${k}`)}</span><span class="stat-value">{fmt.num(s[k])}</span></div>)}
        <div class="stat"><span class="stat-label">{t("stat.converted")}</span><span class="stat-value small">{fmt.pct(s.conversionRate.treated, 1)} / {fmt.pct(s.conversionRate.holdout, 1)}</span></div>
        <div class="stat"><span class="stat-label">{t("stat.revenue")}</span><span class="stat-value small">{fmt.money(s.revenue.treated)}</span></div>
      </div>
      <h3>{t("campaigns.uplift")}</h3>
      {u.estimate == null ? <p class="muted">—</p> : (
        <svg class="interval" viewBox="0 0 100 20" role="img" aria-label={`${fmt.pct(u.estimate, 1)} (${fmt.pct(u.low, 1)} – ${fmt.pct(u.high, 1)})`}>
          <line x1="50" x2="50" y1="2" y2="18" class="zero" />
          <line x1={x(u.low)} x2={x(u.high)} y1="10" y2="10" class="ci" />
          <line x1={x(u.low)} x2={x(u.low)} y1="6" y2="14" class="ci" />
          <line x1={x(u.high)} x2={x(u.high)} y1="6" y2="14" class="ci" />
          <circle cx={x(u.estimate)} cy="10" r="2" class="est" />
        </svg>
      )}
      {u.estimate != null && <p>{fmt.pct(u.estimate, 1)} <span class="muted">(95%: {fmt.pct(u.low, 1)} – {fmt.pct(u.high, 1)})</span></p>}
    </Card>
  );
}
