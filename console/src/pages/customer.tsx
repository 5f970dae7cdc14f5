// Customer 360: everything Rivalwatch knows about one customer, and why they are at risk.
import { useState } from "preact/hooks";
import { can } from "../api.ts";
import { Chart } from "../chart.tsx";
import { factLabel, fmt, t, tv } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Badge, Card, Empty, ErrorBox, Loading, TierBadge, topReason, useApi } from "../ui.tsx";
import { Reasons } from "./alert.tsx";

const parts = ["monetary", "frequency", "recency", "engagement"] as const;
// Feature rows: [fact, unit, baseline fact, change fact]
const own: [string, "money" | "num", string?, string?][] = [
  ["spend30d", "money", "spend30dBaseline", "spend30dChange"],
  ["orders30d", "num", "orders30dBaseline", "orders30dChange"],
  ["sessions30d", "num", "sessions30dBaseline", "sessions30dChange"],
  ["spend180d", "money"], ["orders180d", "num"], ["aov90d", "money"], ["daysSinceLastPurchase", "num"], ["purchaseIntervalDays", "num"], ["seasonalSilenceBayesFactor", "num"], ["activeDays30d", "num"], ["supportTickets30d", "num"], ["refunds90d", "money"],
];
const rival: [string, "money" | "num", string?, string?][] = [
  ["competitorSpend30d", "money", "competitorSpend30dBaseline", "competitorSpend30dChange"],
  ["competitorApps30d", "num", "competitorApps30dBaseline"],
  ["competitorSpend90d", "money"], ["competitorApps90d", "num"], ["competitorMinutes30d", "num"],
];

export default function Customer({ params, session, workspace }: PageProps) {
  const id = encodeURIComponent(params.customerId!);
  const profile = useApi(`/v1/customers/${id}`);
  const tiers = useApi(`/v1/customers/${id}/tiers`);
  const scores = useApi(`/v1/customers/${id}/scores?limit=100`);
  const signals = useApi(`/v1/customers/${id}/signals?limit=50`);
  const alerts = useApi(`/v1/alerts?customerId=${id}&limit=20`);
  const tasks = useApi(can.tasks(session.role) ? `/v1/tasks?customerId=${id}&status=open` : null);
  const enrollments = useApi(`/v1/customers/${id}/enrollments?limit=20`);
  const facts = useApi("/v1/rules/facts");
  const [picked, setPicked] = useState<number | null>(null);
  if (profile.error) return <ErrorBox error={profile.error} retry={profile.reload} />;
  if (!profile.data) return <Loading />;
  const p = profile.data;
  const f = p.features;
  const labelOf = (name: string) => {
    const fact = facts.data?.facts?.find((x: any) => x.name === name);
    return fact ? factLabel(fact) : name;
  };
  const history: any[] = [...(scores.data?.scores ?? [])].reverse();
  const shown = picked != null ? history[picked] : history.at(-1);
  const freshness: Record<string, number> = workspace?.settings?.freshnessDays ?? { default: 90 };
  return (
    <>
      <div class="page-head">
        <h1>{p.name ?? p.id}</h1>
        <TierBadge tier={p.tier?.tier} />
        {shown && <span class="pill">{t("col.score")} {shown.score}</span>}
      </div>
      {p.featuresStale && <p class="muted" role="status">{t("c360.stale")}</p>}
      <div class="grid3">
        <Card title={t("c360.profile")}>
          <dl class="facts">
            <div><dt>{t("c360.id")}</dt><dd>{p.id}</dd></div>
            <div><dt>{t("c360.email")}</dt><dd>{p.email ?? "—"}</dd></div>
            <div><dt>{t("c360.managerId")}</dt><dd>{p.managerId ?? "—"}</dd></div>
            <div><dt>{t("c360.identities")}</dt><dd>{p.identities.map((i: any) => <code key={i.kind + i.value} class="tag">{i.kind}: {i.value}</code>)}</dd></div>
          </dl>
        </Card>
        <Card title={t("c360.tier")}>
          {p.tier ? (
            <>
              <p><TierBadge tier={p.tier.tier} /> {fmt.num(p.tier.score, 1)} · {t("c360.since")} {fmt.date(p.tier.since)}</p>
              <ul class="bars" aria-label={t("c360.tierParts")}>
                {parts.map((k) => (
                  <li key={k}><span class="bar-label">{t(`part.${k}`)}</span><span class="bar"><span class="bar-fill" style={{ width: `${100 * (p.tier.parts[k] ?? 0)}%` }} /></span><span class="num">{fmt.pct(p.tier.parts[k])}</span></li>
                ))}
              </ul>
              <h3>{t("c360.tierHistory")}</h3>
              <ol class="timeline">{(tiers.data?.changes ?? []).map((c: any, i: number) => <li key={i}><time>{fmt.date(c.changedAt)}</time> {c.fromTier ?? "∅"} → <strong>{c.toTier}</strong> <span class="muted">{c.reason}</span></li>)}</ol>
            </>
          ) : <Empty><p>{t("overview.noTiers")}</p></Empty>}
        </Card>
        <Card title={t("c360.model")}>
          {p.model ? (
            <dl class="facts">
              <div><dt>{t("col.churn")}</dt><dd>{fmt.pct(p.model.churnProbability, 1)}</dd></div>
              <div><dt>{t("c360.pAlive")}</dt><dd>{fmt.pct(p.model.pAlive, 1)}</dd></div>
              <div><dt>{t("c360.expectedValue")}</dt><dd>{fmt.money(p.model.clv)}</dd></div>
              <div><dt>{t("col.valueAtRisk")}</dt><dd>{fmt.money(p.model.valueAtRisk)}</dd></div>
            </dl>
          ) : <Empty><p>{p.modelStatus && p.modelStatus !== "not_fitted" ? tv("c360.model", p.modelStatus) : t("overview.noModel")}</p></Empty>}
        </Card>
      </div>
      <Card title={t("c360.scores")}>
        {history.length === 0 ? <Empty><p>{t("c360.noScores")}</p></Empty> : (
          <div class="split">
            <div>
              <Chart label={t("c360.scores")} x={history.map((s) => Date.parse(s.asOf) / 1000)} series={[{ label: t("col.score"), values: history.map((s) => s.score), color: "#dc2626" }]} onSelect={setPicked} height={200} />
              <label class="field inline-field"><span class="field-label">{t("c360.scoreHint")}</span>
                <select value={String(picked ?? history.length - 1)} onChange={(e) => setPicked(Number((e.target as HTMLSelectElement).value))}>
                  {history.map((s, i) => <option key={i} value={i}>{fmt.dateTime(s.asOf)} · {s.score}</option>)}
                </select>
              </label>
            </div>
            <div class="score-reasons" aria-live="polite">
              {shown && <p><strong>{fmt.dateTime(shown.asOf)}</strong> · {t("col.score")} {shown.score} ({shown.rulePoints} + {shown.modelPoints})</p>}
              {shown?.reasons?.length ? <Reasons reasons={shown.reasons} /> : <p class="muted">—</p>}
            </div>
          </div>
        )}
      </Card>
      {f && (
        <Card title={t("c360.features")}>
          <div class="grid2">
            {([[t("c360.own"), own], [t("c360.competitor"), rival]] as const).map(([title, rows]) => (
              <div key={title}>
                <h3>{title}</h3>
                <table>
                  <thead><tr><th scope="col">{t("editor.fact")}</th><th scope="col" class="num">{t("col.own")}</th><th scope="col" class="num">{t("col.baseline")}</th><th scope="col" class="num">{t("col.change")}</th></tr></thead>
                  <tbody>
                    {rows.map(([name, unit, base, change]) => {
                      const v = (x: number | null | undefined) => (unit === "money" ? fmt.money(x) : fmt.num(x, 1));
                      const ch = change ? f[change] : null;
                      return (
                        <tr key={name}>
                          <th scope="row">{labelOf(name)}</th>
                          <td class="num">{v(f[name])}</td>
                          <td class="num">{base ? v(f[base]) : "—"}</td>
                          <td class={`num ${ch != null ? (ch > 0 ? "up" : ch < 0 ? "down" : "") : ""}`}>{ch != null ? fmt.pct(ch) : "—"}</td>
                        </tr>
                      );
                    })}
                    {title === t("c360.competitor") && f.competitorAppNames30d?.length > 0 && (
                      <tr><th scope="row">{labelOf("competitorAppNames30d")}</th><td colSpan={3}>{f.competitorAppNames30d.map((n: string) => <span key={n} class="tag">{n}</span>)}</td></tr>
                    )}
                  </tbody>
                </table>
              </div>
            ))}
          </div>
        </Card>
      )}
      <div class="grid2">
        <Card title={t("c360.alerts")}>
          {alerts.data?.alerts?.length ? (
            <ul class="plain">{alerts.data.alerts.map((a: any) => <li key={a.id}><a href={`/console/alerts/${a.id}`}>{fmt.date(a.openedAt)}</a> <Badge kind="sev" prefix="sev" value={a.severity} /> <Badge kind="status" prefix="status" value={a.status} /> <span class="reason">{topReason(a.reasons)}</span></li>)}</ul>
          ) : <p class="muted">—</p>}
        </Card>
        <Card title={t("c360.tasks")}>
          {tasks.data?.tasks?.length ? (
            <ul class="plain">{tasks.data.tasks.map((x: any) => <li key={x.id}><a href="/console/tasks">{x.play}</a> <Badge kind="status" prefix="status" value={x.status} /> · {t("col.due")} {fmt.date(x.dueAt)}</li>)}</ul>
          ) : <p class="muted">—</p>}
        </Card>
      </div>
      <Card title={t("c360.enrollments")}>
        {enrollments.data?.enrollments?.length ? (
          <table>
            <thead><tr><th scope="col">{t("col.when")}</th><th scope="col">{t("col.campaign")}</th><th scope="col">{t("col.channel")}</th><th scope="col">{t("col.arm")}</th><th scope="col">{t("col.status")}</th><th scope="col">{t("col.message")}</th></tr></thead>
            <tbody>
              {enrollments.data.enrollments.map((e: any) => (
                <tr key={e.id}>
                  <td>{fmt.dateTime(e.enrolledAt)}</td>
                  <td><a href={`/console/campaigns/${encodeURIComponent(e.campaign.id)}`}>{e.campaign.name}</a></td>
                  <td>{e.campaign.channel}</td>
                  <td><Badge kind="arm" prefix="arm" value={e.arm} /></td>
                  <td><Badge kind="enrollment" prefix="enrollment" value={e.status} />{e.suppressedReason && <span class="muted small"> {tv("suppressed", e.suppressedReason)}</span>}{e.status === "scheduled" && e.sendAt && <span class="muted small"> {fmt.dateTime(e.sendAt)}</span>}</td>
                  <td>{e.message ? <span class="message">{e.message.title && <strong>{e.message.title} </strong>}{e.message.body}</span> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p class="muted">{t("c360.noEnrollments")}</p>}
      </Card>
      <Card title={t("c360.signals")}>
        {signals.data?.signals?.length ? (
          <table>
            <thead><tr><th scope="col">{t("col.when")}</th><th scope="col">{t("col.type")}</th><th scope="col">{t("col.detail")}</th><th scope="col">{t("col.provider")}</th><th scope="col" class="num">{t("col.confidence")}</th><th scope="col">{t("col.consent")}</th><th scope="col">{t("col.freshness")}</th></tr></thead>
            <tbody>
              {signals.data.signals.map((s: any) => {
                const external = s.type.startsWith("competitor_");
                const days = freshness[s.source] ?? freshness.default ?? 90;
                const end = Date.parse(s.period?.end ?? s.occurredAt);
                const fresh = Date.now() - end < days * 86_400_000;
                return (
                  <tr key={s.id} class={external ? "external" : ""}>
                    <td>{fmt.dateTime(s.occurredAt)}</td>
                    <td><span class={`tag type-${s.type}`}>{tv("signalType", s.type)}</span></td>
                    <td>{describe(s)}</td>
                    <td>{s.source ?? "—"}</td>
                    <td class="num">{s.confidence != null ? fmt.pct(s.confidence) : "—"}</td>
                    <td>{tv("consent", s.consentBasis)}</td>
                    <td>{external ? <span class={fresh ? "ok" : "warn"}>{fresh ? t("c360.fresh") : t("c360.expired")}</span> : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : <Empty><p>{t("c360.noSignals")}</p></Empty>}
      </Card>
    </>
  );
}

function describe(s: any): string {
  const d = s.data ?? {};
  switch (s.type) {
    case "purchase": case "refund": return `${fmt.money(s.amount ?? d.amount)}${d.category ? ` · ${d.category}` : ""}`;
    case "session": return `${d.channel} · ${t("unit.minutes", { n: fmt.num(d.durationSeconds / 60) })}`;
    case "competitor_app_usage": return `${d.app ?? d.competitor}${d.sessions ? ` · ${t("unit.sessions", { n: fmt.num(d.sessions) })}` : ""}${d.minutes ? ` · ${t("unit.minutes", { n: fmt.num(d.minutes) })}` : ""}`;
    case "competitor_purchase": return `${d.competitor} · ${fmt.money(s.amount ?? d.amount)}`;
    case "support_ticket": return `${d.severity}${d.sentiment ? ` · ${d.sentiment}` : ""}${d.topic ? ` · ${d.topic}` : ""}`;
    case "campaign_response": return `${d.campaignId} · ${d.event}`;
    default: return JSON.stringify(d);
  }
}
