import { can } from "../api.ts";
import { fmt, t } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Badge, Empty, ErrorBox, Loading, useApi } from "../ui.tsx";
import { summarisePerformance } from "../perf.ts";

export default function Rules({ session }: PageProps) {
  const rules = useApi("/v1/rules");
  const edit = can.editRules(session.role);
  return (
    <>
      <div class="page-head">
        <h1>{t("rules.title")}</h1>
        {edit && <a class="button primary" href="/console/rules/new">{t("rules.new")}</a>}
      </div>
      {!edit && <p class="muted">{t("rules.readOnly")}</p>}
      {rules.error ? <ErrorBox error={rules.error} retry={rules.reload} /> : !rules.data ? <Loading /> : rules.data.rules.length === 0 ? <Empty><p>{t("rules.empty")}</p></Empty> : (
        <table>
          <thead><tr><th scope="col">{t("col.rule")}</th><th scope="col">{t("col.mode")}</th><th scope="col">{t("col.severity")}</th><th scope="col" class="num">{t("col.points")}</th><th scope="col">{t("col.tiers")}</th><th scope="col" class="num">{t("col.version")}</th><th scope="col" class="num">{t("col.alerts")}</th><th scope="col" class="num">{t("col.precision")}</th></tr></thead>
          <tbody>{rules.data.rules.map((r: any) => <RuleRow key={r.id} rule={r} />)}</tbody>
        </table>
      )}
    </>
  );
}

function RuleRow({ rule }: { rule: any }) {
  const perf = useApi(`/v1/rules/${encodeURIComponent(rule.id)}/performance`);
  const s = summarisePerformance(perf.data);
  const d = rule.definition;
  return (
    <tr>
      <td><a href={`/console/rules/${encodeURIComponent(rule.id)}`}>{d.name}</a><div class="muted small">{rule.id}</div></td>
      <td><Badge kind="mode" prefix="mode" value={d.mode} /></td>
      <td><Badge kind="sev" prefix="sev" value={d.severity} /></td>
      <td class="num">{d.points}</td>
      <td>{d.tiers.length === 5 ? t("all") : d.tiers.join(", ")}</td>
      <td class="num">{rule.currentVersion}</td>
      <td class="num">{fmt.num(s.alerts)}</td>
      <td class="num">{fmt.pct(s.precision)}</td>
    </tr>
  );
}
