// The workspace at a glance, for the console's first page: what is open, how alerts trend,
// how customers spread over tiers, and whether data has arrived at all.
import { z } from "zod";
import type { Deps } from "../deps.ts";

export const overviewQuerySchema = z.object({ weeks: z.coerce.number().int().min(1).max(52).default(12) });

export async function getOverview(deps: Deps, input: { workspaceId: string; weeks: number }) {
  const now = deps.clock();
  const since = new Date(now.getTime() - input.weeks * 7 * 86_400_000);
  const ws = input.workspaceId;
  // One snapshot for all four reads: on separate connections an alert committed between them
  // would be counted as open but missing from its week.
  const [bySeverity, perWeek, tierMix, counts] = await deps.database.sql.begin("isolation level repeatable read read only", (sql) => Promise.all([
    sql<{ severity: string; status: string; n: number }[]>`
      select severity, status, count(*)::int n from alerts where workspace_id = ${ws} and status <> 'resolved' group by severity, status`,
    // Every week of the window, the quiet ones as 0, so a chart's axis is the window.
    sql<{ week: Date; n: number }[]>`
      select w.week, count(a.id)::int n
      from generate_series(date_trunc('week', ${since}::timestamptz), date_trunc('week', ${now}::timestamptz), interval '1 week') w(week)
      left join alerts a on a.workspace_id = ${ws} and a.opened_at >= ${since} and date_trunc('week', a.opened_at) = w.week
      group by w.week order by w.week`,
    sql<{ tier: string; n: number }[]>`select tier, count(*)::int n from customer_tiers where workspace_id = ${ws} group by tier`,
    sql<{ customers: number; has_signals: boolean; rules_live: number }[]>`
      select (select count(*)::int from customers where workspace_id = ${ws} and merged_into is null) customers,
             exists (select 1 from signals where workspace_id = ${ws}) has_signals,
             (select count(*)::int from rules r join rule_versions v on v.workspace_id = r.workspace_id and v.rule_id = r.id and v.version = r.current_version
              where r.workspace_id = ${ws} and r.deleted_at is null and v.definition->>'mode' = 'live') rules_live`,
  ]));
  const openAlerts: Record<string, number> = {};
  for (const r of bySeverity) openAlerts[r.severity] = (openAlerts[r.severity] ?? 0) + r.n;
  return {
    asOf: now.toISOString(),
    customers: counts[0]!.customers,
    hasSignals: counts[0]!.has_signals,
    liveRules: counts[0]!.rules_live,
    openAlerts,
    alertsByStatus: bySeverity.map((r) => ({ severity: r.severity, status: r.status, count: r.n })),
    alertsPerWeek: perWeek.map((r) => ({ week: r.week.toISOString(), count: r.n })),
    tierMix: Object.fromEntries(tierMix.map((r) => [r.tier, r.n])),
  };
}
