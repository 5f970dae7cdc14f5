import { can } from "../api.ts";
import { Chart } from "../chart.tsx";
import { summarisePerformance } from "../perf.ts";
import { fmt, t, tv } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Badge, Card, Empty, ErrorBox, Loading, TierBadge, topReason, useApi } from "../ui.tsx";

const tiers = ["Bronze", "Silver", "Gold", "Platinum", "Diamond"];
const severities = ["critical", "high", "medium", "low"];

export default function Overview({ session }: PageProps) {
  const overview = useApi("/v1/overview");
  const atRisk = useApi("/v1/alerts?sort=valueAtRisk&status=open&limit=10");
  const model = useApi("/v1/model");
  if (overview.error) return <ErrorBox error={overview.error} retry={overview.reload} />;
  if (!overview.data) return <Loading />;
  const o = overview.data;
  const open = Object.values(o.openAlerts as Record<string, number>).reduce((a, b) => a + b, 0);
  const totalTiered = Object.values(o.tierMix as Record<string, number>).reduce((a, b) => a + b, 0);
  return (
    <>
      <h1>{t("overview.title")}</h1>
      {!o.hasSignals && (
        <Empty>
          <p>{t("overview.noSignals")}</p>
          <pre><code>{`curl -X POST ${location.origin}/v1/signals -H "Authorization: Bearer <ingest key>" -H "content-type: application/json" \\
  -d '{"id":"evt-1","customerId":"c-1","type":"purchase","occurredAt":"${new Date().toISOString()}","data":{"orderId":"o-1","amount":50000,"currency":"KRW"}}'`}</code></pre>
        </Empty>
      )}
      <div class="stats">
        <div class="stat"><span class="stat-label">{t("overview.customers")}</span><span class="stat-value">{fmt.num(o.customers)}</span></div>
        <div class="stat"><span class="stat-label">{t("overview.openAlerts")}</span><span class="stat-value">{fmt.num(open)}</span>
          <span class="stat-sub">{severities.map((s) => (o.openAlerts[s] ? <span key={s}><Badge kind="sev" prefix="sev" value={s} />{o.openAlerts[s]} </span> : null))}</span></div>
        <div class="stat"><span class="stat-label">{t("overview.liveRules")}</span><span class="stat-value">{fmt.num(o.liveRules)}</span></div>
        <div class="stat"><span class="stat-label">{t("overview.model")}</span>
          <span class="stat-value small">{model.data?.status === "fitted" ? `${t("overview.modelFitted")} · ${fmt.date(model.data?.activeFit?.fittedAt ?? model.data?.fit?.fittedAt)}` : model.data ? tv("model", model.data.status) : "…"}</span></div>
      </div>
      {model.data && model.data.status !== "fitted" && <Empty><p>{t("overview.noModel")}</p></Empty>}
      <div class="grid2">
        <Card title={t("overview.atRisk")}>
          {atRisk.loading ? <Loading /> : atRisk.data?.alerts?.length ? (
            <table>
              <thead><tr><th scope="col">{t("col.customer")}</th><th scope="col">{t("col.tier")}</th><th scope="col" class="num">{t("col.score")}</th><th scope="col" class="num">{t("col.valueAtRisk")}</th><th scope="col">{t("col.reason")}</th><th scope="col">{t("col.manager")}</th></tr></thead>
              <tbody>
                {atRisk.data.alerts.map((a: any) => (
                  <tr key={a.id}>
                    <td><a href={`/console/customers/${encodeURIComponent(a.customerId)}`}>{a.customerId}</a></td>
                    <td><TierBadge tier={a.tier} /></td>
                    <td class="num">{a.score}</td>
                    <td class="num">{fmt.money(a.valueAtRisk)}</td>
                    <td><div class="reason" title={topReason(a.reasons)}>{topReason(a.reasons)}</div></td>
                    <td>{a.managerId ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <Empty><p>{t("overview.noAtRisk")}</p></Empty>}
        </Card>
        <Card title={t("overview.perWeek")}>
          {o.alertsPerWeek.length ? (
            <Chart label={t("overview.perWeek")} x={o.alertsPerWeek.map((w: any) => Date.parse(w.week) / 1000)} series={[{ label: t("col.alerts"), values: o.alertsPerWeek.map((w: any) => w.count), color: "#2563eb", bars: true }]} />
          ) : <Empty><p>{t("overview.noAtRisk")}</p></Empty>}
        </Card>
        <Card title={t("overview.tierMix")}>
          {totalTiered ? (
            <ul class="bars">
              {tiers.map((tier) => {
                const n = o.tierMix[tier] ?? 0;
                return (
                  <li key={tier}>
                    <span class="bar-label"><TierBadge tier={tier} /></span>
                    <span class="bar"><span class={`bar-fill tier-bg-${tier}`} style={{ width: `${(100 * n) / totalTiered}%` }} /></span>
                    <span class="num">{fmt.num(n)} ({fmt.pct(n / totalTiered)})</span>
                  </li>
                );
              })}
            </ul>
          ) : <Empty><p>{t("overview.noTiers")}</p></Empty>}
        </Card>
        {(can.editRules(session.role) || session.role === "manager") && <RulePerformance />}
      </div>
    </>
  );
}

function RulePerformance() {
  const rules = useApi("/v1/rules");
  const live = (rules.data?.rules ?? []).filter((r: any) => r.mode === "live");
  return (
    <Card title={t("overview.rulePerf")}>
      {rules.loading ? <Loading /> : (
        <table>
          <thead><tr><th scope="col">{t("col.rule")}</th><th scope="col" class="num">{t("col.alerts")}</th><th scope="col" class="num">{t("col.precision")}</th><th scope="col" class="num">{t("col.saveRate")}</th></tr></thead>
          <tbody>{live.map((r: any) => <PerfRow key={r.id} rule={r} />)}</tbody>
        </table>
      )}
    </Card>
  );
}

function PerfRow({ rule }: { rule: any }) {
  const perf = useApi(`/v1/rules/${encodeURIComponent(rule.id)}/performance`);
  const s = summarisePerformance(perf.data);
  return (
    <tr>
      <td><a href={`/console/rules/${encodeURIComponent(rule.id)}`}>{rule.name}</a></td>
      <td class="num">{fmt.num(s.alerts)}</td>
      <td class="num">{fmt.pct(s.precision)}</td>
      <td class="num">{fmt.pct(s.saveRate)}</td>
    </tr>
  );
}
