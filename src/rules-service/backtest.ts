// How a rule would have done: evaluated in SQL over every customer as of past dates, then
// checked against what happened next (did the flagged customers stop buying?).
//
// One statement per date: features as of the date (featuresSelect, the same SQL that
// computes stored features), the tier as of the date, the model, the rule's compiled SQL,
// and the outcome window. All dates run in one read-only, repeatable-read transaction, so
// a range sees one snapshot.
//
// Semantics, as served to marketers:
// - Evaluated: customers (not merged away) with at least one signal on or before the date.
// - Tier as of the date: the latest tier_history row changed on or before it (its tier
//   score is the one recorded at that change). A customer with none (history imported rather
//   than lived through) gets the tier computed as of the date from the features as of the
//   date with the workspace's tier settings (tier-sql.ts; percentiles among the customers
//   evaluated that date) — `tierSource` says which, per date and per flagged customer.
// - Model facts: the stored model values only when scored on or before the date (only the
//   latest scores are kept), so past dates usually read them as empty.
// - Went quiet: no purchase in (date, date + quietDays]. When that window has not ended
//   yet the outcome is unknown and reported as null.
// - Signals are read as stored today: late-arriving signals about the past count.
import type postgres from "postgres";
import { seasonalSilenceJoinSql } from "../../db/queries/calendar.ts";
import { featuresSelect } from "../../db/queries/features.ts";
import { tierNames } from "../../db/scoring-schema.ts";
import { compileRuleToSql, type CompiledSql, type RuleDefinition } from "../../rules/index.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { tierSettingsOf } from "../tiers/evaluate.ts";
import { tierRankSql, tierScoreSql } from "../tiers/tier-sql.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { ruleFragment, withDerivedFactColumns } from "./rule-sql.ts";
import { loadRuleDefinition } from "./rules.ts";
import type { BacktestWindow } from "./schemas.ts";

const statementTimeoutMs = 120_000;
const dayMs = 86_400_000;

type Sql = postgres.Sql | postgres.TransactionSql;
type TierSource = "history" | "recomputed";

type DateRow = {
  evaluated: number;
  tiers_recomputed: number;
  in_tiers: number;
  flagged: number;
  flagged_after: number;
  went_quiet_all: number;
  went_quiet_in_tiers: number;
  flagged_went_quiet: number;
  by_tier: Record<string, number>;
  page: { customerId: string; tier: string; tierSource: TierSource; wentQuiet: boolean }[];
};

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const liftOf = (precision: number | null, base: number | null) => (precision !== null && base !== null && base > 0 ? precision / base : null);

/** A stored rule (current or a given version) backtested. */
export async function backtestStoredRule(deps: Deps, input: { workspaceId: string; ruleId: string; version?: number } & BacktestWindow) {
  const rule = await loadRuleDefinition(deps, input);
  return backtest(deps, { ...input, rule: { id: rule.ruleId, version: rule.version }, definition: rule.definition });
}

/** A draft rule (from the request body) backtested. */
export async function backtestDraftRule(deps: Deps, input: { workspaceId: string; rule: RuleDefinition } & BacktestWindow) {
  return backtest(deps, { ...input, rule: null, definition: input.rule });
}

async function backtest(
  deps: Deps,
  input: { workspaceId: string; rule: { id: string; version: number } | null; definition: RuleDefinition } & BacktestWindow,
) {
  const now = deps.clock();
  const dates = datesOf(input, now);
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const compiled = compileRuleToSql(input.definition.conditions);

  const results = await deps.database.sql.begin("isolation level repeatable read read only", async (tx) => {
    await tx`select set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`;
    const out = [];
    for (const asOf of dates) {
      const quietEnd = new Date(asOf.getTime() + input.quietDays * dayMs);
      const [row] = await evaluateAt(tx, { ...input, asOf, quietEnd, compiled, settings });
      if (!row) throw new Error("backtest query returned no row");
      const complete = quietEnd.getTime() <= now.getTime();
      out.push(dateResult(row, { asOf, quietEnd, complete, limit: input.limit }));
    }
    return out;
  });

  return { rule: input.rule, tiers: input.definition.tiers, quietDays: input.quietDays, dates: results, totals: totalsOf(results) };
}

function datesOf(input: BacktestWindow, now: Date): Date[] {
  const future = (path: string) => new AppError("validation_failed", "backtests look at the past", [{ path, message: "must not be in the future" }]);
  if (input.asOf) {
    const asOf = new Date(input.asOf);
    if (asOf > now) throw future("asOf");
    return [asOf];
  }
  const from = new Date(input.from!);
  const to = new Date(input.to!);
  if (to > now) throw future("to");
  const dates: Date[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += input.stepDays * dayMs) dates.push(new Date(t));
  return dates;
}

async function evaluateAt(
  sql: Sql,
  input: {
    workspaceId: string;
    asOf: Date;
    quietEnd: Date;
    compiled: CompiledSql;
    definition: RuleDefinition;
    settings: Awaited<ReturnType<typeof getWorkspace>>["settings"];
    limit: number;
    after?: string;
  },
) {
  const ws = input.workspaceId;
  const asOf = input.asOf.toISOString();
  const quietEnd = input.quietEnd.toISOString();
  const tiers = tierSettingsOf(input.settings);
  return sql<DateRow[]>`
    with f0 as (${featuresSelect(sql, { workspaceId: ws, asOf: input.asOf }, input.settings)}),
    f1 as (
      select f.*, ${tierScoreSql(sql, tiers, input.asOf)} as recomputed_score, seasonal.seasonal_silence_bayes_factor
      from f0 f ${seasonalSilenceJoinSql(sql, { workspaceId: ws, asOf: input.asOf })}
      where exists (
        select 1 from signals s where s.workspace_id = ${ws} and s.customer_id = f.customer_id and s.occurred_at <= ${asOf}::timestamptz)
    ),
    f as (
      select f.*, ${tierRankSql(sql, tiers, sql`f.recomputed_score`, sql`f.recomputed_percentile`)} as recomputed_rank
      from (${withDerivedFactColumns(sql, sql`select f1.*, (rank() over (order by f1.recomputed_score) - 1)::float8 / count(*) over () as recomputed_percentile from f1`)}) f
    ),
    ev as (
      select f.customer_id, t.tier, t.recomputed,
        t.tier = any(${input.definition.tiers as string[]}::text[]) as in_tiers,
        (t.tier = any(${input.definition.tiers as string[]}::text[]) and coalesce(${ruleFragment(sql, input.compiled)}, false)) as flagged
      from f
      left join lateral (
        select h.to_tier, h.tier_score from tier_history h
        where h.workspace_id = ${ws} and h.customer_id = f.customer_id and h.changed_at <= ${asOf}::timestamptz
        order by h.changed_at desc, h.id desc limit 1
      ) th on true
      cross join lateral (
        select coalesce(th.to_tier, (${tierNames as unknown as string[]}::text[])[f.recomputed_rank]) as tier,
          coalesce(array_position(${tierNames as unknown as string[]}::text[], th.to_tier), f.recomputed_rank) as tier_rank,
          coalesce(th.tier_score, f.recomputed_score) as tier_score, th.to_tier is null as recomputed
      ) t
      left join customer_model_scores m
        on m.workspace_id = ${ws} and m.customer_id = f.customer_id and m.scored_at <= ${asOf}::timestamptz
    ),
    out as (
      select ev.*, not exists (
        select 1 from signals s
        where s.workspace_id = ${ws} and s.customer_id = ev.customer_id and s.type = 'purchase'
          and s.occurred_at > ${asOf}::timestamptz and s.occurred_at <= ${quietEnd}::timestamptz) as went_quiet
      from ev
    )
    select
      count(*)::int as evaluated,
      count(*) filter (where recomputed)::int as tiers_recomputed,
      count(*) filter (where in_tiers)::int as in_tiers,
      count(*) filter (where flagged)::int as flagged,
      count(*) filter (where flagged and customer_id > ${input.after ?? ""})::int as flagged_after,
      count(*) filter (where went_quiet)::int as went_quiet_all,
      count(*) filter (where went_quiet and in_tiers)::int as went_quiet_in_tiers,
      count(*) filter (where flagged and went_quiet)::int as flagged_went_quiet,
      coalesce((select jsonb_object_agg(tier, n) from (select tier, count(*)::int as n from out where flagged group by tier) x), '{}'::jsonb) as by_tier,
      coalesce((
        select jsonb_agg(jsonb_build_object('customerId', customer_id, 'tier', tier,
          'tierSource', case when recomputed then 'recomputed' else 'history' end, 'wentQuiet', went_quiet) order by customer_id)
        from (select * from out where flagged and customer_id > ${input.after ?? ""} order by customer_id limit ${input.limit}) p
      ), '[]'::jsonb) as page
    from out`;
}

function dateResult(row: DateRow, o: { asOf: Date; quietEnd: Date; complete: boolean; limit: number }) {
  const flaggedByTier = Object.fromEntries(tierNames.map((t) => [t, row.by_tier[t] ?? 0]));
  const precision = o.complete ? ratio(row.flagged_went_quiet, row.flagged) : null;
  const baseRate = o.complete ? ratio(row.went_quiet_all, row.evaluated) : null;
  const baseRateInTiers = o.complete ? ratio(row.went_quiet_in_tiers, row.in_tiers) : null;
  const page = row.page.map((p) => (o.complete ? p : { ...p, wentQuiet: null }));
  return {
    asOf: o.asOf.toISOString(),
    quietUntil: o.quietEnd.toISOString(),
    /** False while (asOf, asOf + quietDays] has not ended: outcomes are then null. */
    outcomeKnown: o.complete,
    evaluated: row.evaluated,
    /** Where the date's tiers come from: the tier history, or (for any customer without one by the date) recomputed from the features as of the date. */
    tierSource: (row.tiers_recomputed > 0 ? "recomputed" : "history") as TierSource,
    /** Customers with no tier history by the date, whose tier was recomputed as of it. */
    tiersRecomputed: row.tiers_recomputed,
    /** Evaluated customers in one of the rule's tiers. */
    inTiers: row.in_tiers,
    flagged: row.flagged,
    flaggedByTier,
    wentQuiet: o.complete ? row.flagged_went_quiet : null,
    precision,
    /** Share of all evaluated customers who went quiet. */
    baseRate,
    /** Share of the evaluated customers in the rule's tiers who went quiet. */
    baseRateInTiers,
    /** precision ÷ baseRate: how much likelier a flagged customer went quiet than any customer. */
    lift: liftOf(precision, baseRate),
    /** precision ÷ baseRateInTiers: the same against customers of the rule's tiers only (the fairer comparison for tier-limited rules). */
    liftInTiers: liftOf(precision, baseRateInTiers),
    outcomes: o.complete ? { evaluatedWentQuiet: row.went_quiet_all, inTiersWentQuiet: row.went_quiet_in_tiers } : null,
    flaggedCustomers: page,
    /** Send as `after` for the next page of flagged customers; null on the last page. */
    nextAfter: row.flagged_after > o.limit ? row.page.at(-1)!.customerId : null,
  };
}

type DateResult = ReturnType<typeof dateResult>;

/** Sums over dates (customer-dates: a customer flagged on two dates counts twice); outcomes over the dates whose window ended. */
function totalsOf(dates: DateResult[]) {
  const sum = (xs: DateResult[], f: (d: DateResult) => number) => xs.reduce((a, d) => a + f(d), 0);
  const known = dates.filter((d) => d.outcomeKnown);
  const flaggedKnown = sum(known, (d) => d.flagged);
  const wentQuiet = sum(known, (d) => d.wentQuiet ?? 0);
  const precision = known.length ? ratio(wentQuiet, flaggedKnown) : null;
  const baseRate = known.length ? ratio(sum(known, (d) => d.outcomes!.evaluatedWentQuiet), sum(known, (d) => d.evaluated)) : null;
  const baseRateInTiers = known.length ? ratio(sum(known, (d) => d.outcomes!.inTiersWentQuiet), sum(known, (d) => d.inTiers)) : null;
  return {
    dates: dates.length,
    datesWithOutcome: known.length,
    evaluated: sum(dates, (d) => d.evaluated),
    flagged: sum(dates, (d) => d.flagged),
    flaggedByTier: Object.fromEntries(tierNames.map((t) => [t, sum(dates, (d) => d.flaggedByTier[t] ?? 0)])),
    flaggedWithOutcome: flaggedKnown,
    wentQuiet: known.length ? wentQuiet : null,
    precision,
    baseRate,
    baseRateInTiers,
    lift: liftOf(precision, baseRate),
    liftInTiers: liftOf(precision, baseRateInTiers),
  };
}
