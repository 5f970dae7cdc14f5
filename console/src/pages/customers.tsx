import { useState } from "preact/hooks";
import { fmt, t } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { setQuery } from "../router.ts";
import { Empty, ErrorBox, Loading, TierBadge, useApi } from "../ui.tsx";

export default function Customers({ query }: PageProps) {
  const q = query.get("q") ?? "";
  const [text, setText] = useState(q);
  const list = useApi(`/v1/customers?limit=50${q ? `&q=${encodeURIComponent(q)}` : ""}`);
  return (
    <>
      <h1>{t("customers.title")}</h1>
      <form role="search" class="search" onSubmit={(e) => { e.preventDefault(); setQuery({ q: text }); }}>
        <label class="field grow">
          <span class="field-label">{t("customers.search")}</span>
          <input type="search" name="q" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
        <button class="primary" type="submit">{t("search")}</button>
      </form>
      {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : !list.data ? <Loading /> : list.data.customers.length === 0 ? (
        <Empty><p>{q ? t("customers.noMatch") : t("customers.empty")}</p></Empty>
      ) : (
        <table>
          <thead><tr><th scope="col">{t("col.customer")}</th><th scope="col">{t("col.name")}</th><th scope="col">{t("col.tier")}</th><th scope="col" class="num">{t("col.score")}</th><th scope="col" class="num">{t("col.churn")}</th><th scope="col" class="num">{t("col.valueAtRisk")}</th><th scope="col">{t("col.manager")}</th></tr></thead>
          <tbody>
            {list.data.customers.map((c: any) => (
              <tr key={c.id}>
                <td><a href={`/console/customers/${encodeURIComponent(c.id)}`}>{c.id}</a></td>
                <td>{c.name ?? c.email ?? "—"}</td>
                <td><TierBadge tier={c.tier} /></td>
                <td class="num">{c.score ?? "—"}</td>
                <td class="num">{fmt.pct(c.churnProbability)}</td>
                <td class="num">{fmt.money(c.valueAtRisk)}</td>
                <td>{c.managerId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
