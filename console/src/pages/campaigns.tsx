import { can } from "../api.ts";
import { t } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { Empty, ErrorBox, Loading, TierBadge, useApi } from "../ui.tsx";

export default function Campaigns({ session }: PageProps) {
  const list = useApi("/v1/campaigns");
  return (
    <>
      <div class="page-head">
        <h1>{t("campaigns.title")}</h1>
        {can.editRules(session.role) && <a class="button primary" href="/console/campaigns/new">{t("campaigns.new")}</a>}
      </div>
      {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : !list.data ? <Loading /> : list.data.campaigns.length === 0 ? <Empty><p>{t("campaigns.empty")}</p></Empty> : (
        <table>
          <thead><tr><th scope="col">{t("col.name")}</th><th scope="col">{t("col.channel")}</th><th scope="col">{t("col.tiers")}</th><th scope="col" class="num">{t("campaigns.holdout")}</th><th scope="col">{t("campaigns.triggerRules")}</th></tr></thead>
          <tbody>
            {list.data.campaigns.map((c: any) => (
              <tr key={c.id}>
                <td><a href={`/console/campaigns/${encodeURIComponent(c.id)}`}>{c.name}</a><div class="muted small">{c.slug}</div></td>
                <td>{c.channel}</td>
                <td>{c.tiers.length ? c.tiers.map((x: string) => <TierBadge key={x} tier={x} />) : t("all")}</td>
                <td class="num">{c.holdoutPercent}%</td>
                <td>{c.triggerRules.join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
