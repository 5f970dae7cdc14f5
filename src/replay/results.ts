// What a replay produced, read from its scratch workspace: alerts (one line each), score
// snapshots (one line per customer), and the summary. Read with cursors, a page at a time,
// so a replay of millions of customers writes its files in bounded memory.
import type { Deps } from "../deps.ts";
import { z } from "zod";
import { replayStatsSchema, type ReplayStats } from "./engine.ts";

export type ReplayAlert = {
  alertId: string;
  customerId: string;
  openedAt: string;
  severity: string;
  score: number;
  tier: string | null;
  rules: { ruleId: string; version: number }[];
  reasons: unknown[];
};

export type ReplayScoreLine = { customerId: string; at: string; score: number | null; churnProbability: number | null; tier: string | null };

const PAGE = 1_000;

const ruleOf = (v: string) => {
  const at = v.lastIndexOf("@");
  return { ruleId: v.slice(0, at), version: Number(v.slice(at + 1)) };
};

/** Every alert of the workspace, oldest first, a page at a time. */
export async function* replayAlerts(deps: Pick<Deps, "database">, workspaceId: string): AsyncIterable<ReplayAlert[]> {
  const sql = deps.database.sql;
  const cursor = sql<{ id: string; customer_id: string; opened_at: Date; severity: string; score: number; tier: string | null; rule_versions: string[]; reasons: unknown[] }[]>`
    select id, customer_id, opened_at, severity, score, tier, rule_versions, reasons from alerts
    where workspace_id = ${workspaceId} order by opened_at, customer_id, id`.cursor(PAGE);
  for await (const rows of cursor) {
    yield rows.map((r) => ({
      alertId: r.id,
      customerId: r.customer_id,
      openedAt: r.opened_at.toISOString(),
      severity: r.severity,
      score: r.score,
      tier: r.tier,
      rules: r.rule_versions.map(ruleOf),
      reasons: r.reasons,
    }));
  }
}

/** Every customer's score, churn probability and tier as the workspace has them now (the replay's clock at `at`). */
export async function* scoreSnapshot(deps: Pick<Deps, "database">, workspaceId: string, at: Date): AsyncIterable<ReplayScoreLine[]> {
  const sql = deps.database.sql;
  const cursor = sql<{ customer_id: string; score: number | null; churn_probability: number | null; tier: string | null }[]>`
    select c.id as customer_id, s.score, m.churn_probability, t.tier
    from customers c
    left join customer_scores s on s.workspace_id = c.workspace_id and s.customer_id = c.id
    left join customer_model_scores m on m.workspace_id = c.workspace_id and m.customer_id = c.id
    left join customer_tiers t on t.workspace_id = c.workspace_id and t.customer_id = c.id
    where c.workspace_id = ${workspaceId} and c.merged_into is null
    order by c.id`.cursor(PAGE);
  const iso = at.toISOString();
  for await (const rows of cursor) {
    yield rows.map((r) => ({ customerId: r.customer_id, at: iso, score: r.score, churnProbability: r.churn_probability, tier: r.tier }));
  }
}

/** Counts over the replay's alerts and customers, beside the engine's own figures. */
const count = z.number().int().min(0);

/** What a finished replay did (GET /v1/replays/{id} `summary`; the CLI's summary.json adds its own fields). */
export const replaySummarySchema = z
  .strictObject({
    customers: count,
    alerts: count.describe("Alerts opened during the replay"),
    customersAlerted: count,
    alertsBySeverity: z.record(z.string(), count).describe("Alerts per severity: low, medium, high, critical"),
    alertsByRule: z.record(z.string(), count).describe("Alerts each rule version took part in, keyed `ruleId@version` (an alert may name several)"),
    signals: replayStatsSchema.shape.signals,
    moments: count,
    dailyPasses: count,
    modelFits: replayStatsSchema.shape.modelFits,
    tierReevaluations: count,
    alertsResolved: count.describe("Alerts the replay's daily passes resolved"),
    seconds: replayStatsSchema.shape.seconds,
  })
  .meta({ id: "ReplaySummary" });
export type ReplaySummary = z.infer<typeof replaySummarySchema>;

export async function replaySummary<E extends Record<string, unknown>>(deps: Pick<Deps, "database">, workspaceId: string, stats: ReplayStats, extra: E): Promise<E & ReplaySummary> {
  const sql = deps.database.sql;
  const [counts] = await sql<{ customers: number; alerts: number; customers_alerted: number }[]>`
    select (select count(*)::int from customers where workspace_id = ${workspaceId} and merged_into is null) as customers,
      (select count(*)::int from alerts where workspace_id = ${workspaceId}) as alerts,
      (select count(distinct customer_id)::int from alerts where workspace_id = ${workspaceId}) as customers_alerted`;
  const bySeverity = await sql<{ severity: string; n: number }[]>`
    select severity, count(*)::int as n from alerts where workspace_id = ${workspaceId} group by 1 order by 1`;
  const byRule = await sql<{ rule: string; n: number }[]>`
    select v as rule, count(*)::int as n from alerts a, unnest(a.rule_versions) v where a.workspace_id = ${workspaceId} group by 1 order by 2 desc, 1`;
  return {
    ...extra,
    customers: counts!.customers,
    alerts: counts!.alerts,
    customersAlerted: counts!.customers_alerted,
    alertsBySeverity: Object.fromEntries(bySeverity.map((r) => [r.severity, r.n])),
    /** Alerts each rule version took part in (an alert may name several). */
    alertsByRule: Object.fromEntries(byRule.map((r) => [r.rule, r.n])),
    signals: stats.signals,
    moments: stats.moments,
    dailyPasses: stats.rescores,
    modelFits: stats.modelFits,
    tierReevaluations: stats.tierReevaluations,
    alertsResolved: stats.alertsResolved,
    seconds: stats.seconds,
  };
}
