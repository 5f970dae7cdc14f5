// Features in one set-based statement: aggregates over a customer's signals as of a
// moment, for one customer, a list, or a whole workspace. Order of arrival and repeats do
// not matter: every feature is recomputed from the stored signals, which are unique per id.
import type postgres from "postgres";
import type { WorkspaceSettings } from "../schema.ts";

/** A range of customer ids, [from, to), null for an open end. */
export type IdRange = { from: string | null; to: string | null };

/** `and <column> in the range`, for a page of a sorted id list: the primary key bounds the read. */
export const idRangeSql = (sql: Sql, column: string, range: IdRange | undefined) => {
  const col = sql.unsafe(column);
  return sql`${range?.from == null ? sql`` : sql`and ${col} >= ${range.from}`} ${range?.to == null ? sql`` : sql`and ${col} < ${range.to}`}`;
};

export type FeatureScope = {
  workspaceId: string;
  /** Only these customers. */
  customerIds?: readonly string[];
  /**
   * Only customers in this range of ids, [from, to) with null for open ends: with
   * `customerIds` taken from a sorted list, it lets the customers' primary key bound the scan.
   */
  part?: IdRange;
  asOf: Date;
};

/**
 * When a signal can next change its customer's features: the windows (days) it leaves,
 * counted from when it happened or, for external evidence, from the end of the period it
 * covers; and for external evidence the end of its freshness. Between two such moments
 * every stored feature stays the same (days since the last purchase aside, which readers
 * compute as of their own moment), so the daily pass recomputes only customers whose
 * `next_change_at` has come. Keep in step with the aggregates below: a spec checks it.
 */
const windowsOf: Record<string, { occurred: number[]; periodEnd: number[]; fresh: boolean }> = {
  purchase: { occurred: [7, 30, 90, 180, 210], periodEnd: [], fresh: false },
  refund: { occurred: [90], periodEnd: [], fresh: false },
  session: { occurred: [7, 30, 210], periodEnd: [], fresh: false },
  support_ticket: { occurred: [30], periodEnd: [], fresh: false },
  campaign_response: { occurred: [30], periodEnd: [], fresh: false },
  competitor_purchase: { occurred: [30, 90, 210], periodEnd: [30], fresh: true },
  competitor_app_usage: { occurred: [], periodEnd: [30, 90, 210], fresh: true },
};

/** The first window edge at or after `asOf` of a moment, as SQL (null when past them all). */
function edgeSql(from: string, days: number[]) {
  if (days.length === 0) return "null::timestamptz";
  const arms = days.map((d) => `when ${from} >= s.ref_at - interval '${d} days' then ${from} + interval '${d} days'`).join(" ");
  return `case ${arms} end`;
}

function nextEdgeSql() {
  const arms = Object.entries(windowsOf).map(([type, w]) => {
    const parts = [edgeSql("s.occurred_at", w.occurred), edgeSql("coalesce(s.period_end, s.occurred_at)", w.periodEnd)];
    if (w.fresh) parts.push("case when coalesce(s.period_end, s.occurred_at) + s.freshness > s.ref_at then coalesce(s.period_end, s.occurred_at) + s.freshness end");
    return `when '${type}' then least(${parts.join(", ")})`;
  });
  return `case s.type ${arms.join(" ")} end`;
}

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Seasonality-aware silence: a customer's usual longest gap between purchases is this
 * percentile of their own gaps, shrunk toward their mean gap × the workspace's spread (the
 * median ratio of 90th-percentile to mean gap over customers with at least PRIOR_MIN_GAPS
 * gaps, once MIN_PRIOR_CUSTOMERS have them) with the weight of GAP_SHRINKAGE gaps, so one or
 * two gaps say little and twenty say nearly everything.
 */
export const USUAL_GAP_PERCENTILE = 0.9;
export const GAP_SHRINKAGE = 4;
export const PRIOR_MIN_GAPS = 8;
export const MIN_PRIOR_CUSTOMERS = 20;
/** An exponential gap's 90th percentile over its mean (ln 10): Poisson buying. */
export const DEFAULT_GAP_SPREAD = Math.LN10;

/**
 * A `select` producing one row per customer with every customer_features column,
 * usable on its own (backtests as of a past date) or as the source of an upsert.
 */
export function featuresSelect(sql: Sql, scope: FeatureScope, settings: WorkspaceSettings) {
  const trusted = settings.trustedProviders;
  const range = (column: string) => idRangeSql(sql, column, scope.part);
  const daysBefore = (days: number) => new Date(scope.asOf.getTime() - days * 86_400_000);
  // Each customer's signals are read and aggregated on their own, in a lateral subquery over
  // their range of the signals index: the cost is linear in the page's signals whatever the
  // planner estimates. Page-wide CTEs joined on the customer id were planned, with the stale
  // estimate of one row a new workspace gets, as nested loops rescanning every signal of the
  // page per customer: a page's cost grew with its size times the customers' history
  // (a 150-customer refresh 175 ms, 1,000 customers × 180 days).
  // A page of customers is looked up id by id (the limit keeps the lookup a lookup): the
  // primary key bounds it however few customers the planner believes the workspace has.
  const customers = scope.customerIds
    ? sql`
      select c.id from unnest(${scope.customerIds as string[]}::text[]) as page(id)
      cross join lateral (
        select c.id from customers c
        where c.workspace_id = ${scope.workspaceId} and c.id = page.id and c.merged_into is null ${range("c.id")}
        limit 1
      ) c`
    : sql`
      select c.id from customers c
      where c.workspace_id = ${scope.workspaceId} and c.merged_into is null ${range("c.id")}`;
  return sql`
    with c as (${customers}),
    -- Materialized: read once, not per customer.
    workspace_gaps as materialized (
      select coalesce(case when count(*) >= ${MIN_PRIOR_CUSTOMERS} then percentile_cont(0.5) within group (order by r) end, ${DEFAULT_GAP_SPREAD}::float8) as spread
      from (
        select purchase_gap_p90_days / purchase_interval_days as r
        from customer_features
        -- customer_features_gap_prior_idx's predicate, as literals so the planner can use it.
        where workspace_id = ${scope.workspaceId} and purchase_gaps >= ${sql.unsafe(String(PRIOR_MIN_GAPS))} and purchase_interval_days > 0
          and purchase_gap_p90_days is not null
        order by customer_id
        limit 5000
      ) w
    ),
    agg as (
      select c.id as customer_id, a.*, g.gap_n, g.gap_p90, k.category_n, k.top_category,
        (select count(distinct d)::int from unnest(a.purchase_days_7d || a.session_days_7d) d) as active_days_7d,
        (select count(distinct d)::int from unnest(a.purchase_days_30d || a.session_days_30d) d) as active_days_30d,
        least(a.next_edge, a.next_arrival, a.session_next_edge, a.session_next_arrival) as next_change_at,
        greatest(a.watermark, a.session_watermark) as last_received_at
      from c cross join lateral (
        -- The customer's signals read once, into a per-customer store both aggregates below
        -- read: each read visits every monthly partition's index, so two reads (sessions
        -- apart, by a partial index) cost a customer twice the probes (npm run bench --
        -- rescore --partitioned, six more monthly partitions: features 13.4–13.8 s with two
        -- reads against 7.5–8.9 s unpartitioned; 9.6–10.3 s with one).
        with mine as materialized (
          select s.* from signals s where s.workspace_id = ${scope.workspaceId} and s.customer_id = c.id
        )
        select a.*, ss.sessions_7d, ss.sessions_30d, ss.sessions_30d_baseline, ss.session_days_7d, ss.session_days_30d,
          ss.next_edge as session_next_edge, ss.watermark as session_watermark, ss.next_arrival as session_next_arrival
        from (
        select
          count(distinct s.day) filter (where s.type = 'purchase') as purchase_days,
          min(s.occurred_at) filter (where s.type = 'purchase') as first_purchase_at,
          max(s.occurred_at) filter (where s.type = 'purchase') as last_purchase_at,
          coalesce(sum(s.amount) filter (where s.type = 'purchase' and s.age <= interval '30 days'), 0) as spend_30d,
          coalesce(sum(s.amount) filter (where s.type = 'purchase' and s.age <= interval '90 days'), 0) as spend_90d,
          coalesce(sum(s.amount) filter (where s.type = 'purchase' and s.age <= interval '180 days'), 0) as spend_180d,
          count(distinct s.order_id) filter (where s.type = 'purchase' and s.age <= interval '30 days')::int as orders_30d,
          count(distinct s.order_id) filter (where s.type = 'purchase' and s.age <= interval '90 days')::int as orders_90d,
          count(distinct s.order_id) filter (where s.type = 'purchase' and s.age <= interval '180 days')::int as orders_180d,
          coalesce(sum(s.amount) filter (where s.type = 'refund' and s.age <= interval '90 days'), 0) as refunds_90d,
          count(distinct s.order_id) filter (where s.type = 'purchase')::int as orders_total,
          coalesce(sum(s.amount) filter (where s.type = 'purchase'), 0) as spend_total,
          -- Days with a purchase, joined below with the days with a session.
          array_agg(distinct s.day) filter (where s.type = 'purchase' and s.age <= interval '7 days') as purchase_days_7d,
          array_agg(distinct s.day) filter (where s.type = 'purchase' and s.age <= interval '30 days') as purchase_days_30d,
          count(distinct (s.competitor, s.app)) filter (where s.type = 'competitor_app_usage' and s.counts
            and s.p_end > ${scope.asOf}::timestamptz - interval '30 days')::int as competitor_apps_30d,
          count(distinct (s.competitor, s.app)) filter (where s.type = 'competitor_app_usage' and s.counts
            and s.p_end > ${scope.asOf}::timestamptz - interval '90 days')::int as competitor_apps_90d,
          coalesce(array_agg(distinct s.app) filter (where s.type = 'competitor_app_usage' and s.counts
            and s.p_end > ${scope.asOf}::timestamptz - interval '30 days'), '{}') as competitor_app_names_30d,
          coalesce(array_agg(distinct s.competitor) filter (where s.type is not null and s.competitor is not null and s.counts
            and s.p_end > ${scope.asOf}::timestamptz - interval '30 days'), '{}') as competitor_names_30d,
          coalesce(sum(s.amount) filter (where s.type = 'competitor_purchase' and s.counts and s.age <= interval '30 days'), 0) as competitor_spend_30d,
          coalesce(sum(s.amount) filter (where s.type = 'competitor_purchase' and s.counts and s.age <= interval '90 days'), 0) as competitor_spend_90d,
          count(*) filter (where s.type = 'competitor_purchase' and s.counts and s.age <= interval '30 days')::int as competitor_purchases_30d,
          -- How sure the providers are of the competitor evidence counted in the last 30 days.
          avg(coalesce(s.confidence, 1)) filter (where s.type in ('competitor_app_usage', 'competitor_purchase') and s.counts
            and s.p_end > ${scope.asOf}::timestamptz - interval '30 days') as competitor_confidence_30d,
          coalesce(sum(s.minutes) filter (where s.type = 'competitor_app_usage' and s.counts
            and s.p_end > ${scope.asOf}::timestamptz - interval '30 days'), 0) as competitor_minutes_30d,
          count(*) filter (where s.type = 'support_ticket' and s.age <= interval '30 days')::int as support_tickets_30d,
          count(*) filter (where s.type = 'support_ticket' and s.age <= interval '30 days'
            and s.high_severity)::int as high_severity_tickets_30d,
          count(*) filter (where s.type = 'support_ticket' and s.age <= interval '30 days'
            and s.negative)::int as negative_tickets_30d,
          count(*) filter (where s.type = 'campaign_response' and s.age <= interval '30 days'
            and s.event = 'clicked')::int as campaign_clicks_30d,
          coalesce(bool_or(s.type = 'campaign_response' and s.event = 'unsubscribed'), false) as unsubscribed,
          -- Baseline: the customer's own normal, per 30 days over the 180 days before the last 30.
          coalesce(sum(s.amount) filter (where s.type = 'purchase' and s.age > interval '30 days' and s.age <= interval '210 days'), 0) / 6 as spend_30d_baseline,
          count(distinct s.order_id) filter (where s.type = 'purchase' and s.age > interval '30 days' and s.age <= interval '210 days')::float8 / 6 as orders_30d_baseline,
          coalesce(sum(s.amount) filter (where s.type = 'competitor_purchase' and s.counts and s.age > interval '30 days' and s.age <= interval '210 days'), 0) / 6 as competitor_spend_30d_baseline,
          count(*) filter (where s.type = 'competitor_purchase' and s.counts and s.age > interval '30 days' and s.age <= interval '210 days')::float8 / 6 as competitor_purchases_30d_baseline,
          count(distinct (s.competitor, s.app)) filter (where s.type = 'competitor_app_usage' and s.counts
            and s.p_end <= ${scope.asOf}::timestamptz - interval '30 days' and s.p_end > ${scope.asOf}::timestamptz - interval '210 days')::float8 as competitor_apps_30d_baseline,
          min(s.next_edge) as next_edge,
          max(s.received_at) as watermark,
          -- A signal dated ahead of asOf starts counting when its moment comes.
          min(s.occurred_at) filter (where s.type is null) as next_arrival,
          -- For the most bought category and the gaps between purchase days, below: gathered
          -- here from the purchases alone, so the customer's other signals (sessions, most of a
          -- long history) are never sorted. Sorting every signal, whole rows, for two window
          -- functions was half of a refresh's cost at 180 signals per customer.
          array_agg(s.category) filter (where s.type = 'purchase' and s.category is not null and s.age <= interval '180 days') as categories_180d,
          array_agg(distinct s.day) filter (where s.type = 'purchase') as purchase_day_list
        from (
          select s.customer_id, s.received_at, s.occurred_at, s.amount, s.competitor, s.ref_at, s.confidence,
            -- Dated after asOf: counts for nothing yet (no type), only its arrival is noted.
            case when s.occurred_at <= s.ref_at then s.type end as type,
            -- Third-party evidence counts only from trusted providers, while fresh, and when confident enough.
            (s.type not in ('competitor_app_usage', 'competitor_purchase') or (
              (${trusted === null}::boolean or s.source = any(${trusted ?? []}::text[]))
              and coalesce(s.confidence, 1) >= ${settings.minConfidence}::float8
              and coalesce(s.period_end, s.occurred_at) > s.ref_at - s.freshness
            )) as counts,
            -- An external signal covers a period; an own signal an instant.
            coalesce(s.period_end, s.occurred_at) as p_end,
            s.ref_at - s.occurred_at as age,
            date_trunc('day', s.occurred_at) as day,
            -- What the aggregates read from data, read once.
            case when s.type = 'purchase' then s.data ->> 'orderId' end as order_id,
            case when s.type = 'purchase' then s.data ->> 'category' end as category,
            case when s.type = 'competitor_app_usage' then s.data ->> 'app' end as app,
            case when s.type = 'competitor_app_usage' then (s.data ->> 'minutes')::float8 end as minutes,
            case when s.type = 'support_ticket' then s.data ->> 'severity' in ('high', 'critical') end as high_severity,
            case when s.type = 'support_ticket' then s.data ->> 'sentiment' = 'negative' end as negative,
            case when s.type = 'campaign_response' then s.data ->> 'event' end as event,
            case when s.occurred_at <= s.ref_at then ${sql.unsafe(nextEdgeSql())} end as next_edge
          from (
            select s.*, ${scope.asOf}::timestamptz as ref_at,
              -- Only third-party evidence goes stale (and only it is read per row here).
              case when s.type in ('competitor_app_usage', 'competitor_purchase') then
                make_interval(days => coalesce((${sql.json(settings.freshnessDays)}::jsonb ->> s.source)::int,
                                               (${sql.json(settings.freshnessDays)}::jsonb ->> 'default')::int)) end as freshness
            from mine s
            where s.type <> 'session'
          ) s
        ) s
      ) a
      -- Sessions, usually most of a customer's signals, feed six aggregates of their own: read
      -- apart they are not put through the fifty the other signals feed (at 180 sessions a
      -- customer, most of a refresh's time). What their own purchase days need (distinct
      -- active days) comes back as arrays of days, joined in the select.
      cross join (
        -- The windows as bounds on occurred_at, worked out once here rather than an age per
        -- row (an age of at most 7 days is an occurred_at no earlier than asOf minus 7 × 24 h).
        select
          count(*) filter (where s.occurred_at <= s.ref_at and s.occurred_at >= ${daysBefore(7)}::timestamptz)::int as sessions_7d,
          count(*) filter (where s.occurred_at <= s.ref_at and s.occurred_at >= ${daysBefore(30)}::timestamptz)::int as sessions_30d,
          count(*) filter (where s.occurred_at < ${daysBefore(30)}::timestamptz and s.occurred_at >= ${daysBefore(210)}::timestamptz)::float8 / 6 as sessions_30d_baseline,
          array_agg(distinct s.day) filter (where s.occurred_at <= s.ref_at and s.occurred_at >= ${daysBefore(7)}::timestamptz) as session_days_7d,
          array_agg(distinct s.day) filter (where s.occurred_at <= s.ref_at and s.occurred_at >= ${daysBefore(30)}::timestamptz) as session_days_30d,
          min(${sql.unsafe(edgeSql("s.occurred_at", windowsOf.session!.occurred))}) filter (where s.occurred_at <= s.ref_at) as next_edge,
          max(s.received_at) as watermark,
          min(s.occurred_at) filter (where s.occurred_at > s.ref_at) as next_arrival
        from (
          select s.occurred_at, s.received_at, ${scope.asOf}::timestamptz as ref_at, date_trunc('day', s.occurred_at) as day
          from mine s
          where s.type = 'session'
        ) s
      ) ss
      ) a
      -- The customer's own gaps between purchase days (completed gaps only: the silence now
      -- is what gets judged against them), and their 90th percentile: an actual gap
      -- (discrete), so a seasonal buyer whose long gaps are one in seven is not judged by a
      -- blend of a weekly gap and a half-year one.
      cross join lateral (
        select nullif(count(*), 0)::int as gap_n,
          percentile_disc(${USUAL_GAP_PERCENTILE}::float8) within group (order by g.gap) as gap_p90
        from (select extract(epoch from d - lag(d) over (order by d)) / 86400 as gap from unnest(a.purchase_day_list) d) g
        where g.gap > 0
      ) g
      -- The most bought category in 180 days (ties: the first by name) and how often.
      left join lateral (
        select count(*)::int as category_n, k as top_category
        from unnest(a.categories_180d) k group by k order by count(*) desc, k limit 1
      ) k on true
    )
    select
      ${scope.workspaceId}::text as workspace_id, a.customer_id,
      ${scope.asOf}::timestamptz as as_of, a.last_received_at as watermark, a.next_change_at,
      a.spend_30d, a.spend_90d, a.spend_180d, a.orders_30d, a.orders_90d, a.orders_180d,
      a.spend_30d / nullif(a.orders_30d, 0) as aov_30d,
      a.spend_90d / nullif(a.orders_90d, 0) as aov_90d,
      a.spend_180d / nullif(a.orders_180d, 0) as aov_180d,
      a.refunds_90d, a.orders_total, a.spend_total,
      a.first_purchase_at, a.last_purchase_at,
      (extract(epoch from ${scope.asOf}::timestamptz - a.last_purchase_at) / 86400)::float8 as days_since_last_purchase,
      case when a.purchase_days >= 2 then extract(epoch from a.last_purchase_at - a.first_purchase_at) / 86400 / (a.purchase_days - 1) end as purchase_interval_days,
      coalesce(a.gap_n, 0) as purchase_gaps, a.gap_p90 as purchase_gap_p90_days,
      array(select distinct date_trunc('week', d)::date from unnest(a.purchase_day_list) d order by 1) as purchase_weeks,
      -- The usual longest gap: the customer's own 90th percentile, shrunk toward their mean gap
      -- times the workspace's spread (see GAP_SHRINKAGE).
      (a.gap_n * a.gap_p90 + ${GAP_SHRINKAGE}::float8 * extract(epoch from a.last_purchase_at - a.first_purchase_at) / 86400 / a.gap_n * wg.spread)
        / (a.gap_n + ${GAP_SHRINKAGE}::float8) as usual_max_gap_days,
      a.sessions_7d, a.sessions_30d, a.active_days_7d, a.active_days_30d,
      coalesce(a.category_n, 0) as category_repeat_max_180d, a.top_category as top_category_180d,
      a.competitor_apps_30d, a.competitor_apps_90d, a.competitor_app_names_30d, a.competitor_names_30d,
      a.competitor_spend_30d, a.competitor_spend_90d, a.competitor_minutes_30d, a.competitor_confidence_30d,
      a.support_tickets_30d, a.high_severity_tickets_30d, a.negative_tickets_30d, a.campaign_clicks_30d, a.unsubscribed,
      a.spend_30d_baseline, a.orders_30d_baseline, a.sessions_30d_baseline,
      a.competitor_spend_30d_baseline, a.competitor_apps_30d_baseline,
      a.competitor_purchases_30d, a.competitor_purchases_30d_baseline,
      (a.spend_30d - a.spend_30d_baseline) / nullif(a.spend_30d_baseline, 0) as spend_30d_change,
      (a.orders_30d - a.orders_30d_baseline) / nullif(a.orders_30d_baseline, 0) as orders_30d_change,
      (a.sessions_30d - a.sessions_30d_baseline) / nullif(a.sessions_30d_baseline, 0) as sessions_30d_change,
      (a.competitor_spend_30d - a.competitor_spend_30d_baseline) / nullif(a.competitor_spend_30d_baseline, 0) as competitor_spend_30d_change
    from agg a
    cross join workspace_gaps wg
  `;
}

/**
 * The due customers' ids (see dueCustomerPages), in id order. Those without features are the
 * workspace's customers except those with features: a set difference reads each table once.
 * As an anti-join (`not exists`) it was planned, when customer_features was empty at the
 * start of a first pass, as a nested loop scanning that table per customer; the pass then
 * filled the table while the cursor ran, and each customer's scan grew with it (at 1,000,000
 * customers one range's list was still being read after 30 minutes).
 */
export const dueCustomersSql = (sql: Sql, input: { workspaceId: string; asOf: Date; part?: IdRange }) => sql`
    select customer_id as id from customer_features
    where workspace_id = ${input.workspaceId} and next_change_at <= ${input.asOf}::timestamptz ${idRangeSql(sql, "customer_id", input.part)}
    union
    (select c.id from customers c
    where c.workspace_id = ${input.workspaceId} and c.merged_into is null ${idRangeSql(sql, "c.id", input.part)}
    except
    select f.customer_id from customer_features f
    where f.workspace_id = ${input.workspaceId} ${idRangeSql(sql, "f.customer_id", input.part)})
    order by id`;

/**
 * The customers whose features may have changed by `asOf`, in id order, a page at a time:
 * never computed, or one of their signals has crossed a window edge since (next_change_at).
 * Every other customer's stored features still hold. Each page comes with the id range
 * [its first, the next page's first) it covers. Read from a cursor, so a first pass over a
 * million customers never holds their ids at once.
 */
export async function* dueCustomerPages(
  sql: Sql,
  input: { workspaceId: string; asOf: Date; part?: IdRange },
  size: number,
): AsyncGenerator<{ ids: string[]; part: IdRange }> {
  const rows = dueCustomersSql(sql, input).values();
  // A page is handed on when the next one's first id, its range's end, is known.
  let held: string[] | null = null;
  for await (const page of rows.cursor(size)) {
    const ids = page.map((r) => r[0] as string);
    if (held) yield { ids: held, part: { from: held[0]!, to: ids[0]! } };
    held = ids;
  }
  if (held && held.length > 0) yield { ids: held, part: { from: held[0]!, to: input.part?.to ?? null } };
}

/**
 * The workspace's customers split into `parts` ranges of ids of about equal size, in order:
 * each range's statements run beside the others' (one statement uses one PostgreSQL core).
 * Any split gives the same results; the split only balances the work. Cut at quantiles of
 * every customer id up to 100,000 customers (features or not: a first pass has none yet), of a
 * 1% sample of the table's pages beyond. One open
 * range below `splitFrom` customers (a split saves little there).
 */
export async function customerIdRanges(sql: Sql, input: { workspaceId: string; parts: number; splitFrom?: number }): Promise<IdRange[]> {
  const whole: IdRange[] = [{ from: null, to: null }];
  if (input.parts <= 1) return whole;
  const exactUpTo = 100_000;
  const [{ n }] = (await sql`
    select count(*)::int as n from (select 1 from customers where workspace_id = ${input.workspaceId} limit ${exactUpTo}) c`) as unknown as [{ n: number }];
  if (n < (input.splitFrom ?? 20_000)) return whole;
  const source = n < exactUpTo ? sql`customers` : sql`customers tablesample system (1)`;
  const quantiles = Array.from({ length: input.parts - 1 }, (_, i) => (i + 1) / input.parts);
  const bounds = await sql<{ id: string | null }[]>`
    select percentile_disc(q) within group (order by customer_id) as id
    from (select id as customer_id from ${source} where workspace_id = ${input.workspaceId}) s, unnest(${quantiles}::float8[]) q
    group by q order by q`;
  // In the database's order (its collation, not JavaScript's), repeats dropped.
  const cuts = bounds.map((b) => b.id).filter((id, i, all): id is string => id !== null && id !== all[i - 1]);
  if (cuts.length === 0) return whole;
  return [null, ...cuts].map((from, i) => ({ from, to: cuts[i] ?? null }));
}

const featureColumns = [
  "as_of", "watermark", "spend_30d", "spend_90d", "spend_180d", "orders_30d", "orders_90d", "orders_180d",
  "aov_30d", "aov_90d", "aov_180d", "refunds_90d", "orders_total", "spend_total", "first_purchase_at",
  "last_purchase_at", "purchase_interval_days", "purchase_gaps", "purchase_gap_p90_days", "usual_max_gap_days", "purchase_weeks", "next_change_at", "sessions_7d", "sessions_30d",
  "active_days_7d", "active_days_30d", "category_repeat_max_180d", "top_category_180d", "competitor_apps_30d",
  "competitor_apps_90d", "competitor_app_names_30d", "competitor_names_30d", "competitor_spend_30d",
  "competitor_spend_90d", "competitor_minutes_30d", "competitor_confidence_30d", "support_tickets_30d", "high_severity_tickets_30d",
  "negative_tickets_30d", "campaign_clicks_30d", "unsubscribed", "spend_30d_baseline", "orders_30d_baseline",
  "sessions_30d_baseline", "competitor_spend_30d_baseline", "competitor_apps_30d_baseline", "spend_30d_change",
  "orders_30d_change", "sessions_30d_change", "competitor_spend_30d_change",
  "competitor_purchases_30d", "competitor_purchases_30d_baseline",
] as const;

/**
 * Recomputes and stores features. A slower, older computation never overwrites a newer
 * one (`as_of` only moves forward), so concurrent or repeated jobs are harmless.
 * Returns the customers written.
 */
export async function upsertFeatures(sql: postgres.Sql, scope: FeatureScope, settings: WorkspaceSettings): Promise<string[]> {
  const cols = sql.unsafe(["workspace_id", "customer_id", ...featureColumns].join(", "));
  const updates = sql.unsafe(featureColumns.map((c) => `${c} = excluded.${c}`).join(", "));
  const rows = await sql.begin(async (tx) => {
    // The grouping sorts spill to disk at the default 4MB; this statement alone gets more.
    // (Its plan is a custom one, as every statement's is: see connectDatabase. A generic plan
    // once took 6 s for a 2,000-customer refresh page where the custom plan takes 0.4 s.)
    await tx`select set_config('work_mem', '64MB', true)`;
    return tx<{ customer_id: string }[]>`
      insert into customer_features (${cols})
      select ${cols} from (${featuresSelect(tx, scope, settings)}) f
      on conflict (workspace_id, customer_id) do update set ${updates}, updated_at = now()
      where customer_features.as_of <= excluded.as_of
      returning customer_id`;
  });
  return rows.map((r) => r.customer_id);
}

/**
 * Days since the last purchase as of a moment, over customer_features aliased `f`. Not
 * stored: it grows every day while every stored feature may stay the same for weeks.
 */
export const daysSinceLastPurchaseSql = (sql: Sql, asOf: Date) =>
  sql`(extract(epoch from ${asOf}::timestamptz - f.last_purchase_at) / 86400)::float8`;
