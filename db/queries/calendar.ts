// The workspace's calendar and the seasonal Bayes factor read against it (issue 12;
// docs/detection-quality.md, "seasonal silence as a comparison of two rhythms").
//
// A seasonal buyer's off-season looks like a leaver's silence to every statistic of their
// own gaps: their first autumn-to-spring gap is new in a year of history. What tells them
// apart is the brand's calendar, shared by many customers: the seasonal buyer bought in the
// workspace's busy weeks and not in its quiet ones. The factor asks which explains the
// customer's weeks better, one weekly buying rate or one in busy weeks and another in quiet
// ones; the extra rate has to earn its place, so an even or short history gives about 1 or
// less, and a workspace without seasons (no busy weeks) gives exactly 1.
import type postgres from "postgres";
import { daysSinceLastPurchaseSql } from "./features.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/** A week is busy with at least this many times the median week's distinct buyers. */
export const BUSY_WEEK_RATIO = 1.15;
/** Below this many complete weeks the workspace has no calendar (the factor is empty). */
export const MIN_CALENDAR_WEEKS = 8;
/** A larger workspace's calendar is counted from a sample of about this many customers. */
export const CALENDAR_SAMPLE = 20_000;
/** Factors above this are shown as this: evidence that strong is all the same to a rule. */
export const BAYES_FACTOR_CAP = 1_000_000;

/**
 * Recounts the workspace's calendar (workspace_weeks) from its customers' purchase weeks, as
 * the features last computed them: one statement, run by the daily pass. Every week is
 * recounted, so a late or imported purchase lands in its week by the next pass. In a workspace
 * of more than CALENDAR_SAMPLE customers a sample of table blocks stands for the whole (the
 * busy weeks are a ratio to the median week, which a sample keeps): at a million customers a
 * full count would read every feature row daily.
 */
export async function refreshWorkspaceWeeks(sql: Sql, workspaceId: string, sample = CALENDAR_SAMPLE): Promise<{ weeks: number; sampled: boolean }> {
  const [counted] = await sql<{ n: number }[]>`
    select count(*)::int as n from (select 1 from customer_features where workspace_id = ${workspaceId} limit ${sample + 1}) x`;
  let source = sql`customer_features f`;
  const sampled = counted!.n > sample;
  if (sampled) {
    const [all] = await sql<{ total: number }[]>`select count(*)::int as total from customer_features where workspace_id = ${workspaceId}`;
    // SYSTEM picks whole blocks: about `percent` of the workspace's rows wherever they lie.
    // Repeatable, so two passes over the same table count the same weeks.
    const percent = Math.min(100, (100 * sample) / all!.total);
    source = sql`customer_features f tablesample system (${percent}) repeatable (0)`;
  }
  const rows = await sql`
    with counted as (
      select w.week, count(*)::int as buyers
      from ${source} cross join unnest(f.purchase_weeks) as w(week)
      where f.workspace_id = ${workspaceId}
      group by w.week
    ),
    gone as (
      delete from workspace_weeks ww
      where ww.workspace_id = ${workspaceId} and not exists (select 1 from counted c where c.week = ww.week)
    )
    insert into workspace_weeks (workspace_id, week, buyers)
    select ${workspaceId}, week, buyers from counted
    on conflict (workspace_id, week) do update set buyers = excluded.buyers
    where workspace_weeks.buyers <> excluded.buyers
    returning week`;
  return { weeks: rows.length, sampled };
}

/** Monday (UTC) of the week holding `asOf`, as SQL: connections run in UTC (db/client.ts). */
const weekOfSql = (sql: Sql, asOf: Date) => sql`date_trunc('week', ${asOf}::timestamptz)::date`;

/**
 * The workspace's busy weeks as of a moment, ascending, as a scalar SQL subquery: over its
 * complete weeks before the week of `asOf` (from its first week with a buyer; a week without
 * one counts as 0), those with at least BUSY_WEEK_RATIO × the median week's buyers. Null with
 * fewer than MIN_CALENDAR_WEEKS such weeks. It reads only the parameters, so PostgreSQL
 * evaluates it once per statement however many customers read it.
 */
export const busyWeeksSql = (sql: Sql, input: { workspaceId: string; asOf: Date }) => sql`(
  select case when cardinality(c.buyers) >= ${MIN_CALENDAR_WEEKS} then
      array(select c.weeks[i] from generate_subscripts(c.buyers, 1) i where c.buyers[i] >= ${BUSY_WEEK_RATIO}::float8 * c.median order by i)
    end
  from (
    select array_agg(g.week order by g.week) as weeks, array_agg(g.buyers order by g.week) as buyers,
      percentile_cont(0.5) within group (order by g.buyers) as median
    from (
      select d::date as week, coalesce(ww.buyers, 0) as buyers
      from generate_series((select min(week) from workspace_weeks where workspace_id = ${input.workspaceId}),
        ${weekOfSql(sql, input.asOf)} - 7, interval '7 days') d
      left join workspace_weeks ww on ww.workspace_id = ${input.workspaceId} and ww.week = d::date
    ) g
  ) c)`;

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
/**
 * ln Γ(x) for x ≥ 1 (PostgreSQL has no lgamma): Stirling's series at z = x + 6, where its
 * next term is below 3e−11, brought back by Γ(x) = Γ(x + 6) / (x (x + 1) … (x + 5)).
 */
const lnGammaSql = (x: string) => {
  const z = `(${x} + 6)`;
  return `((${z} - 0.5) * ln(${z}) - ${z} + ${HALF_LN_2PI}::float8 + 1 / (12 * ${z}) - 1 / (360 * power(${z}, 3)) + 1 / (1260 * power(${z}, 5)) - 1 / (1680 * power(${z}, 7))
    - ln((${x}) * (${x} + 1) * (${x} + 2) * (${x} + 3) * (${x} + 4) * (${x} + 5)))`;
};
/** ln B(1 + a, 1 + b): the marginal likelihood of a bought and b silent weeks at one rate with a uniform prior. */
const lnBetaSql = (a: string, b: string) => `(${lnGammaSql(`(${a}) + 1`)} + ${lnGammaSql(`(${b}) + 1`)} - ${lnGammaSql(`(${a}) + (${b}) + 2`)})`;

/**
 * The Bayes factor from the four counts (columns n_busy, f_busy, n_quiet, f_quiet of `k`):
 * B(1 + n_busy, 1 + f_busy) · B(1 + n_quiet, 1 + f_quiet) / B(1 + n, 1 + f). Its logarithm is
 * rounded to 6 decimals before exp and the factor to 3, so the last bits of ln and exp (which
 * differ between PostgreSQL's C library and JavaScript) never show; capped at BAYES_FACTOR_CAP.
 */
export const seasonalBayesFactorSql = `round(exp(least(round((${lnBetaSql("k.n_busy", "k.f_busy")} + ${lnBetaSql("k.n_quiet", "k.f_quiet")}
    - ${lnBetaSql("k.n_busy + k.n_quiet", "k.f_busy + k.f_quiet")})::numeric, 6), ${Math.log(BAYES_FACTOR_CAP)}::numeric)), 3)::float8`;

/**
 * `left join lateral (…) seasonal on true`, over customer_features aliased `f`, adding
 * `seasonal.seasonal_silence_bayes_factor` as of a moment: for a customer with at least two
 * purchase days who is silent beyond their usual longest gap (the rest have no silence to
 * explain, and the daily screen reads every customer), over every complete week after their
 * first purchase week and before the week of `asOf`, the weeks they bought in (n) and not (f),
 * busy and quiet apart. Empty without a calendar (see busyWeeksSql). Each level is fenced
 * by `offset 0`: pulled up, the counts' subqueries were pasted into every one of the factor's
 * many references to them and run once per reference (hundreds of subplans per customer).
 */
export const seasonalSilenceJoinSql = (sql: Sql, input: { workspaceId: string; asOf: Date }) => {
  const now = weekOfSql(sql, input.asOf);
  return sql`
  left join lateral (
    select ${sql.unsafe(seasonalBayesFactorSql)} as seasonal_silence_bayes_factor
    from (
      select c.n_busy, c.weeks_busy - c.n_busy as f_busy, c.n - c.n_busy as n_quiet, (c.weeks - c.weeks_busy) - (c.n - c.n_busy) as f_quiet
      from (
        select p.n, p.n_busy,
          (select count(*) from unnest(cal.busy) b where b > f.purchase_weeks[1])::float8 as weeks_busy,
          greatest(0, (${now} - f.purchase_weeks[1]) / 7 - 1)::float8 as weeks
        from (select ${busyWeeksSql(sql, input)} as busy offset 0) cal
        cross join lateral (
          select count(*)::float8 as n, count(*) filter (where w = any(cal.busy))::float8 as n_busy
          from unnest(f.purchase_weeks) w where w > f.purchase_weeks[1] and w < ${now}
        ) p
        where cal.busy is not null and f.purchase_gaps >= 1 and f.purchase_weeks[1] is not null
          and ${daysSinceLastPurchaseSql(sql, input.asOf)} > f.usual_max_gap_days
        offset 0
      ) c
      offset 0
    ) k
  ) seasonal on true`;
};
