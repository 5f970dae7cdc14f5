// Scoring a page of customers: one read of their facts, pure evaluation, one insert of
// the scores. A score is keyed by the moment it evaluates, and only a score that differs
// from the last one is stored, so a job that runs twice writes nothing the second time and
// raises no second alert.
import { createHash } from "node:crypto";
import type postgres from "postgres";
import type { ScoreReason, Tier } from "../../db/scoring-schema.ts";
import { seasonalSilenceJoinSql } from "../../db/queries/calendar.ts";
import { daysSinceLastPurchaseSql, idRangeSql, type IdRange } from "../../db/queries/features.ts";
import { raiseAlerts } from "../alerts/raise.ts";
import { countAlertOutcomes } from "../metrics/record.ts";
import { requestDrain } from "../outbox/drain.ts";
import { factValuesOf } from "../rules-service/facts.ts";
import { withDerivedFactColumns } from "../rules-service/rule-sql.ts";
import { riskExplainer } from "../model-fits/risk/explain-risk.ts";
import type { Deps } from "../deps.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { localeOf } from "../workspaces/locale.ts";
import type { Locale } from "../../rules/index.ts";
import { computeScore, type ActiveRule, type ModelValues, type ScoreResult } from "./compute.ts";
import { scoringSettingsOf } from "./settings.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

type FactRow = Record<string, unknown> & {
  customer_id: string;
  tier: Tier | null;
  tier_score: number | null;
  churn_probability: number | null;
  clv: number | null;
  value_at_risk: number | null;
  p_alive: number | null;
  expected_purchases_90d: number | null;
  last_score: number | null;
  last_signature: string | null;
  last_watermark: Date | null;
  last_digest: string | null;
};

/**
 * Every customer of the workspace with their facts as of a moment — f (features, with days
 * since the last purchase), t (tier), m (the model's values), the aliases the rules' SQL
 * reads — and their last score (last); or, with `customerIds`, those customers alone, each
 * looked up by its keys (a page of ids joined to whole tables was planned as a scan of each
 * table per page, its cost growing with the workspace). The screen reads the workspace
 * whole, or a range of its ids (`part`). Days since the last purchase and the derived fact
 * columns the rules' SQL reads (withDerivedFactColumns) are computed once per customer.
 */
export const customersWithFacts = (sql: Sql, input: { workspaceId: string; asOf: Date; customerIds?: readonly string[]; part?: IdRange }) => {
  const ws = input.workspaceId;
  const features = sql`
    select f.*, ${daysSinceLastPurchaseSql(sql, input.asOf)} as days_since_last_purchase, seasonal.seasonal_silence_bayes_factor
    from customer_features f ${seasonalSilenceJoinSql(sql, input)}
    where f.workspace_id = ${ws} ${idRangeSql(sql, "f.customer_id", input.part)}`;
  if (input.customerIds) {
    return sql`
  (select distinct id from unnest(${input.customerIds as string[]}::text[]) as u(id)) page
  cross join lateral (${withDerivedFactColumns(sql, sql`${features} and f.customer_id = page.id limit 1`)}) f
  left join lateral (select * from customer_tiers t where t.workspace_id = ${ws} and t.customer_id = page.id limit 1) t on true
  left join lateral (select * from customer_model_scores m where m.workspace_id = ${ws} and m.customer_id = page.id limit 1) m on true
  left join lateral (select * from customer_scores last where last.workspace_id = ${ws} and last.customer_id = page.id limit 1) last on true`;
  }
  return sql`
  (${withDerivedFactColumns(sql, features)}) f
  left join customer_tiers t on t.workspace_id = f.workspace_id and t.customer_id = f.customer_id
  left join customer_model_scores m on m.workspace_id = f.workspace_id and m.customer_id = f.customer_id
  left join customer_scores last on last.workspace_id = f.workspace_id and last.customer_id = f.customer_id`;
};

/** Facts of the given customers as of a moment: features, tier and the model's values, keyed as rule facts. */
export async function loadFacts(deps: Deps, input: { workspaceId: string; customerIds: readonly string[]; asOf: Date; locale?: Locale }) {
  const sql = deps.database.sql;
  const rows = await sql<FactRow[]>`
    select f.*, t.tier, t.tier_score,
      m.churn_probability, m.clv, m.value_at_risk, m.p_alive, m.expected_purchases_90d, m.risk_probability, m.risk_version_id, m.risk_alert_threshold,
      last.score as last_score, last.signature as last_signature, last.watermark as last_watermark, last.digest as last_digest
    from ${customersWithFacts(sql, input)}`;
  const explainRisk = await riskExplainer(sql, input.workspaceId, rows, input.locale);
  return rows.map((row) => {
    const facts = factValuesOf(row);
    const model: ModelValues | null =
      row.churn_probability === null
        ? null
        : { churnProbability: row.churn_probability, clv: row.clv, valueAtRisk: row.value_at_risk, risk: explainRisk(row) };
    const last =
      row.last_score === null
        ? null
        : { score: row.last_score, signature: row.last_signature ?? "", watermark: row.last_watermark?.getTime() ?? null, digest: row.last_digest };
    const watermark = (row.watermark as Date | null)?.getTime() ?? null;
    return { customerId: row.customer_id, watermark, tier: row.tier, facts, model, last };
  });
}

export type ScoredCustomer = { customerId: string; scoreId: number | null; result: ScoreResult };

/**
 * Scores the customers as of `asOf` (the moment their features were refreshed, or the
 * daily pass's moment) and stores the scores that differ from their last one.
 */
export async function scoreCustomers(
  deps: Deps,
  input: { workspaceId: string; customerIds: readonly string[]; rules: readonly ActiveRule[]; asOf: Date },
): Promise<ScoredCustomer[]> {
  if (input.customerIds.length === 0) return [];
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const scoring = scoringSettingsOf(settings);
  // The workspace's language at scoring time writes the reasons stored with the score and alert.
  const locale = localeOf(settings);
  const loaded = await loadFacts(deps, { ...input, locale });
  const now = deps.clock();
  const evaluated = loaded.map((c) => ({
    ...c,
    result: computeScore({ facts: c.facts, tier: c.tier, rules: input.rules, model: c.model, settings: scoring, currency: settings.currency, locale }),
  }));
  // History records changes: with no new signal, a score equal to the last one from the same
  // rules is not stored again (the daily pass would otherwise write every customer every day).
  // A new signal that changes nothing the score shows, on a customer it does not alert on,
  // only moves the current score's watermark: under steady traffic (a session every few
  // seconds) the history would otherwise gain a row per refresh, all alike. A score that
  // alerts is stored as before: a new score is what updates or raises its alert.
  const signature = (r: ScoreResult) =>
    [...r.reasons, ...r.shadowHits].map((x) => `${x.ruleId}@${x.version}`).sort().join(",");
  const judged = evaluated.map((c) => {
    const sig = signature(c.result);
    const digest = scoreDigest(c.tier, c.model, c.result);
    const same = c.last !== null && c.last.score === c.result.score && c.last.signature === sig;
    const newSignal = c.last?.watermark !== c.watermark;
    const store = !same || (newSignal && (c.result.alerts || c.last?.digest !== digest));
    return { ...c, signature: sig, digest, store, advance: !store && newSignal };
  });
  const changed = judged.filter((c) => c.store);
  const advanced = judged.filter((c) => c.advance);
  const rows = changed.map((c) => ({
    customer_id: c.customerId,
    as_of: input.asOf.toISOString(),
    score: c.result.score,
    rule_points: c.result.rulePoints,
    model_points: c.result.modelPoints,
    tier: c.tier,
    reasons: c.result.reasons as ScoreReason[],
    shadow_hits: c.result.shadowHits as ScoreReason[],
    model: c.model,
    signature: c.signature,
    digest: c.digest,
    watermark: c.watermark === null ? null : new Date(c.watermark).toISOString(),
  }));
  // Scores and the alerts they raise commit together: a stored score always has its alert.
  const { scoreIdOf, raised } = await deps.database.sql.begin(async (tx) => {
    // One statement: the new scores, and each customer's current score, which moves only
    // forward in evaluated time (a pass for an earlier moment finishing after a refresh does
    // not replace the refresh's score).
    const inserted = rows.length === 0 ? [] : await tx<{ id: number; customer_id: string }[]>`
      with r as (
        select * from jsonb_to_recordset(${tx.json(rows)}) as r(customer_id text, as_of timestamptz, score int, rule_points int,
          model_points int, tier text, reasons jsonb, shadow_hits jsonb, model jsonb, signature text, digest text, watermark timestamptz)
      ),
      inserted as (
        insert into scores (workspace_id, customer_id, as_of, scored_at, score, rule_points, model_points, tier, reasons, shadow_hits, model, signature, watermark)
        select ${input.workspaceId}, r.customer_id, r.as_of, ${now}::timestamptz, r.score, r.rule_points, r.model_points, r.tier,
          r.reasons, r.shadow_hits, r.model, r.signature, r.watermark
        from r
        on conflict (workspace_id, customer_id, as_of) do nothing
        returning id, workspace_id, customer_id, as_of, score, signature, watermark
      ),
      made_current as (
        insert into customer_scores (workspace_id, customer_id, score_id, as_of, score, signature, watermark, digest)
        select i.workspace_id, i.customer_id, i.id, i.as_of, i.score, i.signature, i.watermark, r.digest
        from inserted i join r on r.customer_id = i.customer_id
        on conflict (workspace_id, customer_id) do update set score_id = excluded.score_id, as_of = excluded.as_of,
          score = excluded.score, signature = excluded.signature, watermark = excluded.watermark, digest = excluded.digest
        where customer_scores.as_of <= excluded.as_of
      )
      select id, customer_id from inserted`;
    // The unchanged: their current score now covers the new signals. `as_of` moves too, so a
    // pass for an earlier moment that finishes later still does not replace it. Only where
    // the current score is still the one compared with (same digest) and only forward.
    if (advanced.length > 0) {
      await tx`
        update customer_scores s set watermark = a.watermark, as_of = greatest(s.as_of, ${input.asOf}::timestamptz)
        from unnest(${advanced.map((c) => c.customerId)}::text[], ${advanced.map((c) => c.digest)}::text[],
          ${advanced.map((c) => (c.watermark === null ? null : new Date(c.watermark).toISOString()))}::timestamptz[]) as a(customer_id, digest, watermark)
        where s.workspace_id = ${input.workspaceId} and s.customer_id = a.customer_id and s.digest = a.digest
          and a.watermark > coalesce(s.watermark, '-infinity')`;
    }
    const scoreIdOf = new Map(inserted.map((r) => [r.customer_id, Number(r.id)]));
    // Only a new score can raise or update an alert: the same features twice do nothing.
    const candidates = evaluated.flatMap((c) => {
      const scoreId = scoreIdOf.get(c.customerId);
      return scoreId !== undefined && c.result.alerts
        ? [{ customerId: c.customerId, scoreId, tier: c.tier, valueAtRisk: c.model?.valueAtRisk ?? null, result: c.result }]
        : [];
    });
    const raised = await raiseAlerts(tx, {
      workspaceId: input.workspaceId,
      candidates,
      now,
      holdoutPercent: scoring.alertHoldout,
      oneAlertPerEpisode: scoring.oneAlertPerEpisode,
    });
    return { scoreIdOf, raised };
  });
  // Committed: have the alerts' actions carried out now rather than at the next scheduled drain.
  countAlertOutcomes(raised, evaluated);
  if (raised.some((r) => r.alertId !== null)) await requestDrain(deps);
  const out: ScoredCustomer[] = evaluated.map((c) => ({ customerId: c.customerId, scoreId: scoreIdOf.get(c.customerId) ?? null, result: c.result }));
  return out;
}

/** What a score shows, for telling whether a new one would show anything new. */
function scoreDigest(tier: Tier | null, model: ModelValues | null, r: ScoreResult): string {
  const shown = [r.score, r.rulePoints, r.modelPoints, tier, r.reasons, r.shadowHits, model];
  return createHash("sha1").update(JSON.stringify(shown)).digest("base64url");
}
