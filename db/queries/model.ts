// The model's storage in set-based statements: every customer's purchase summary in one
// query, the scores of a page of customers in one insert, and the fit row. Raw postgres.js:
// these take Date parameters and arrays, which the drizzle pool would not serialise.
import { getTableColumns } from "drizzle-orm";
import type postgres from "postgres";
import { modelFits, type ModelFit } from "../schema.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

export type SummaryScope = {
  workspaceId: string;
  asOf: Date;
  customerIds?: readonly string[];
  /** Only the customers whose id hashes to 0 modulo this: an even sample of about 1 in `sampleEvery`. */
  sampleEvery?: number;
};

/**
 * Per-customer BG/NBD summary, columnar, in the conventions of `buildSummary`
 * (src/model/summary.ts) with calibration end = the UTC day of `asOf`.
 */
export type PurchaseSummary = {
  ids: string[];
  /** Repeat transactions: purchase days after the first (same-day purchases are one). */
  x: Float64Array;
  /** Weeks from the first purchase day to the last. */
  tx: Float64Array;
  /** Weeks from the first purchase day to the as-of day. */
  T: Float64Array;
  /** Mean value of the repeat transactions (a day's purchases summed), 0 without one. */
  zbar: Float64Array;
  size: number;
  /** Customers with x > 0. */
  repeatCustomers: number;
};

/**
 * One statement over the workspace's purchase signals up to `asOf`: calendar days in UTC
 * (days since 1970-01-01, the model library's day numbers), a day's purchases merged into
 * one transaction, then x, t_x, T and z̄ per customer, ordered by customer id.
 */
export async function selectPurchaseSummary(sql: Sql, scope: SummaryScope): Promise<PurchaseSummary> {
  // A set of customers reads each one's range of the signals index (the offset keeps the
  // subquery a per-customer lookup). Filtered with "customer_id = any(…)" instead, the
  // planner, believing a new workspace small, scanned every signal of the workspace per page.
  const purchases = scope.customerIds
    ? sql`
      (select distinct id from unnest(${scope.customerIds as string[]}::text[]) as u(id)) page
      cross join lateral (
        select s.customer_id, s.occurred_at, s.amount from signals s
        where s.workspace_id = ${scope.workspaceId} and s.customer_id = page.id and s.type = 'purchase' and s.occurred_at <= ${scope.asOf}::timestamptz
        offset 0
      ) s`
    : sql`
      signals s
      where s.workspace_id = ${scope.workspaceId} and s.type = 'purchase' and s.occurred_at <= ${scope.asOf}::timestamptz
        ${scope.sampleEvery && scope.sampleEvery > 1 ? sql`and (hashtext(s.customer_id) & 2147483647) % ${scope.sampleEvery}::int = 0` : sql``}`;
  return summaryOf(sql`
    with days as (
      select s.customer_id,
        (s.occurred_at at time zone 'UTC')::date - date '1970-01-01' as day,
        sum(coalesce(s.amount, 0)) as value
      from ${purchases}
      group by 1, 2
    ),
    marked as (
      select customer_id, day, value, min(day) over (partition by customer_id) as first_day from days
    )
    select customer_id,
      (count(*) - 1)::float8 as x,
      (max(day) - min(day))::float8 / 7 as t_x,
      ((${scope.asOf}::timestamptz at time zone 'UTC')::date - date '1970-01-01' - min(day))::float8 / 7 as t,
      coalesce(sum(value) filter (where day > first_day) / nullif(count(*) - 1, 0), 0)::float8 as zbar
    from marked
    group by customer_id
    order by customer_id
  `);
}

/**
 * A stored row's T aged to `asOf`: whole UTC days since it was scored, in weeks. The read
 * (selectStoredSummary) and the write (ageModelScores) must age it alike.
 */
const agedT = (sql: Sql, asOf: Date, row: string) =>
  sql`${sql.unsafe(row)}.t + ((${asOf}::timestamptz at time zone 'UTC')::date - (${sql.unsafe(row)}.scored_at at time zone 'UTC')::date)::float8 / 7`;

/**
 * The summary as stored with each customer's model values, aged to `asOf`: with no purchase
 * since, only T (the customer's age) moves, by whole UTC days. For customers whose stored
 * values have seen every purchase; `except` leaves out those that have not. With `limit`, a
 * page: the first `limit` such customers after `after` in id order (the daily pass reads the
 * workspace page by page rather than holding every customer's row at once).
 */
export async function selectStoredSummary(
  sql: Sql,
  scope: { workspaceId: string; asOf: Date; except: readonly string[]; after?: string; limit?: number },
): Promise<PurchaseSummary> {
  return summaryOf(sql`
    select customer_id, x::float8, t_x,
      ${agedT(sql, scope.asOf, "m")} as t, zbar
    from customer_model_scores m
    where workspace_id = ${scope.workspaceId} and customer_id <> all(${scope.except as string[]}::text[])
      ${scope.after === undefined ? sql`` : sql`and customer_id > ${scope.after}`}
    order by customer_id
    ${scope.limit === undefined ? sql`` : sql`limit ${scope.limit}`}
  `);
}

/**
 * Customers with a purchase their stored model values have not seen (dated after they were
 * computed), or with purchases and no stored values. Read from the features (their last
 * purchase), so it is as current as they are: the daily pass refreshes features first.
 */
export async function selectCustomersWithUnseenPurchases(sql: Sql, scope: { workspaceId: string }): Promise<string[]> {
  const rows = await sql<{ customer_id: string }[]>`
    select f.customer_id from customer_features f
    left join customer_model_scores m on m.workspace_id = f.workspace_id and m.customer_id = f.customer_id
    where f.workspace_id = ${scope.workspaceId} and f.last_purchase_at is not null
      and (m.customer_id is null or f.last_purchase_at > m.scored_at)`;
  return rows.map((r) => r.customer_id);
}

/**
 * Rows (customer_id, x, t_x, T, z̄) streamed into a summary's columns a row at a time, so a
 * million customers' rows are never all held as JS arrays beside the columns. With the rest of
 * d64d957 it took the fit step of `npm run bench -- rescore --size 1000000` from 543 to 298 MiB.
 */
async function summaryOf(query: postgres.PendingQuery<postgres.Row[]>): Promise<PurchaseSummary> {
  let capacity = 1024;
  const ids: string[] = [];
  let x = new Float64Array(capacity);
  let tx = new Float64Array(capacity);
  let T = new Float64Array(capacity);
  let zbar = new Float64Array(capacity);
  let n = 0;
  let repeatCustomers = 0;
  const grow = (a: Float64Array) => {
    const b = new Float64Array(capacity);
    b.set(a);
    return b;
  };
  await query.values().forEach((r) => {
    if (n === capacity) {
      capacity *= 2;
      [x, tx, T, zbar] = [grow(x), grow(tx), grow(T), grow(zbar)];
    }
    ids.push(r[0] as string);
    x[n] = r[1] as number;
    tx[n] = r[2] as number;
    T[n] = r[3] as number;
    zbar[n] = r[4] as number;
    if ((r[1] as number) > 0) repeatCustomers++;
    n++;
  });
  // Views of the filled part, not copies: a copy would hold the filled part twice at the
  // moment every customer's id is held too; the spare capacity a view keeps is never more
  // than the copy would have needed beside it.
  return { ids, x: x.subarray(0, n), tx: tx.subarray(0, n), T: T.subarray(0, n), zbar: zbar.subarray(0, n), size: n, repeatCustomers };
}

/** Scores of customers [from, to) of a summary, columnar; the CLV part may be null. */
export type ScoreColumns = {
  pAlive: Float64Array;
  expectedPurchases90d: Float64Array;
  churnProbability: Float64Array;
  expectedOrderValue: Float64Array | null;
  clv: Float64Array | null;
  valueAtRisk: Float64Array | null;
};

const slice = (a: Float64Array, from: number, to: number) => Array.from(a.subarray(from, to));
const sliceOrNulls = (a: Float64Array | null, from: number, to: number) => (a ? slice(a, from, to) : new Array<null>(to - from).fill(null));

/** The scores of customers [from, to) of a summary, computed with a fit as of `scoredAt`. */
export type ModelScoresPage = { workspaceId: string; fitId: string; scoredAt: Date; summary: PurchaseSummary; scores: ScoreColumns; from: number; to: number };

/**
 * Writes the scores of customers [from, to) in one statement. A row from a fit created later
 * than `fitId` is kept (fit ids sort by creation time), and within one fit the newer scoring wins.
 */
export async function writeModelScores(sql: Sql, input: ModelScoresPage): Promise<number> {
  const { summary: s, scores: o, from, to } = input;
  if (to <= from) return 0;
  const result = await sql`
    insert into customer_model_scores (workspace_id, customer_id, fit_id, scored_at, x, t_x, t, zbar,
      p_alive, expected_purchases_90d, churn_probability, expected_order_value, clv, value_at_risk)
    select ${input.workspaceId}, u.customer_id, ${input.fitId}, ${input.scoredAt}::timestamptz, u.x::int, u.t_x, u.t, u.zbar,
      u.p_alive, u.e90, u.churn, u.eov, u.clv, u.var
    from unnest(
      ${s.ids.slice(from, to)}::text[], ${slice(s.x, from, to)}::float8[], ${slice(s.tx, from, to)}::float8[],
      ${slice(s.T, from, to)}::float8[], ${slice(s.zbar, from, to)}::float8[], ${slice(o.pAlive, from, to)}::float8[],
      ${slice(o.expectedPurchases90d, from, to)}::float8[], ${slice(o.churnProbability, from, to)}::float8[],
      ${sliceOrNulls(o.expectedOrderValue, from, to)}::float8[], ${sliceOrNulls(o.clv, from, to)}::float8[],
      ${sliceOrNulls(o.valueAtRisk, from, to)}::float8[]
    ) as u(customer_id, x, t_x, t, zbar, p_alive, e90, churn, eov, clv, var)
    on conflict (workspace_id, customer_id) do update set
      fit_id = excluded.fit_id, scored_at = excluded.scored_at, x = excluded.x, t_x = excluded.t_x, t = excluded.t,
      zbar = excluded.zbar, p_alive = excluded.p_alive, expected_purchases_90d = excluded.expected_purchases_90d,
      churn_probability = excluded.churn_probability, expected_order_value = excluded.expected_order_value,
      clv = excluded.clv, value_at_risk = excluded.value_at_risk
    where customer_model_scores.fit_id collate "C" < excluded.fit_id collate "C"
      or (customer_model_scores.fit_id = excluded.fit_id and customer_model_scores.scored_at <= excluded.scored_at)
  `;
  return result.count;
}

/**
 * Ages stored values: writes the scores of customers [from, to) of a summary read by
 * `selectStoredSummary`, whose x, t_x and z̄ are the stored ones, so only T (aged here from
 * the row itself) and the model's outputs change. An update, not an upsert: a row removed
 * meanwhile (a merge) stays removed, and a row a refresh re-summarised meanwhile keeps its
 * summary. The summary is sorted by customer id, so the page is a range of the primary key:
 * without that bound the planner joined every page against the whole table.
 */
export async function ageModelScores(sql: Sql, input: ModelScoresPage): Promise<number> {
  const { summary: s, scores: o, from, to } = input;
  if (to <= from) return 0;
  const result = await sql`
    update customer_model_scores m set fit_id = ${input.fitId}, scored_at = ${input.scoredAt}::timestamptz,
      t = ${agedT(sql, input.scoredAt, "m")},
      p_alive = u.p_alive, expected_purchases_90d = u.e90, churn_probability = u.churn,
      expected_order_value = u.eov, clv = u.clv, value_at_risk = u.var
    from unnest(
      ${s.ids.slice(from, to)}::text[], ${slice(o.pAlive, from, to)}::float8[], ${slice(o.expectedPurchases90d, from, to)}::float8[],
      ${slice(o.churnProbability, from, to)}::float8[], ${sliceOrNulls(o.expectedOrderValue, from, to)}::float8[],
      ${sliceOrNulls(o.clv, from, to)}::float8[], ${sliceOrNulls(o.valueAtRisk, from, to)}::float8[]
    ) as u(customer_id, p_alive, e90, churn, eov, clv, var)
    where m.workspace_id = ${input.workspaceId} and m.customer_id = u.customer_id
      and m.customer_id >= ${s.ids[from]!} and m.customer_id <= ${s.ids[to - 1]!}
      and (m.fit_id collate "C" < ${input.fitId} collate "C" or (m.fit_id = ${input.fitId} and m.scored_at <= ${input.scoredAt}::timestamptz))
  `;
  return result.count;
}

/** Drops the scores a workspace-wide pass did not write (customers without a purchase now). */
export async function deleteScoresBefore(sql: Sql, input: { workspaceId: string; scoredAt: Date }): Promise<number> {
  const result = await sql`delete from customer_model_scores where workspace_id = ${input.workspaceId} and scored_at < ${input.scoredAt}::timestamptz`;
  return result.count;
}

export async function deleteCustomerScores(sql: Sql, input: { workspaceId: string; customerIds: readonly string[] }): Promise<number> {
  if (input.customerIds.length === 0) return 0;
  const result = await sql`
    delete from customer_model_scores where workspace_id = ${input.workspaceId} and customer_id = any(${input.customerIds as string[]}::text[])`;
  return result.count;
}

export type ModelFitRow = Omit<typeof modelFits.$inferInsert, "createdAt">;

const fitColumns = getTableColumns(modelFits);
const keepOnConflict = new Set(["workspaceId", "id", "period", "createdAt"]);

/**
 * Stores the period's fit: the first of the period inserts, a later one replaces its values
 * and keeps its id. Returns the stored row's id.
 */
export async function upsertModelFit(sql: Sql, fit: ModelFitRow): Promise<string> {
  const entries = Object.entries(fit).filter(([, v]) => v !== undefined) as [keyof typeof fitColumns, unknown][];
  const row = Object.fromEntries(entries.map(([k, v]) => [fitColumns[k].name, v]));
  const updates = entries
    .filter(([k]) => !keepOnConflict.has(k))
    .map(([k]) => `${fitColumns[k].name} = excluded.${fitColumns[k].name}`)
    .join(", ");
  const [stored] = await sql<{ id: string }[]>`
    insert into model_fits ${sql(row as Record<string, postgres.ParameterOrJSON<never>>)}
    on conflict (workspace_id, period) do update set ${sql.unsafe(updates)}
    returning id`;
  return stored!.id;
}

const fitSelectList = Object.values(fitColumns)
  .map((c) => (c.name === "period" ? `period::text as period` : c.name))
  .join(", ");

function toModelFit(row: Record<string, unknown>): ModelFit {
  return Object.fromEntries(Object.entries(fitColumns).map(([key, col]) => [key, row[col.name]])) as ModelFit;
}

/** The fit stored for a period, if any. */
export async function findPeriodFit(sql: Sql, input: { workspaceId: string; period: string }): Promise<ModelFit | null> {
  const [row] = await sql`
    select ${sql.unsafe(fitSelectList)} from model_fits where workspace_id = ${input.workspaceId} and period = ${input.period}::date`;
  return row ? toModelFit(row) : null;
}

/** The newest fit with status fitted: the one customers are scored with. */
export async function findLatestFittedFit(sql: Sql, workspaceId: string): Promise<ModelFit | null> {
  const [row] = await sql`
    select ${sql.unsafe(fitSelectList)} from model_fits where workspace_id = ${workspaceId} and status = 'fitted'
    order by fitted_at desc, id desc limit 1`;
  return row ? toModelFit(row) : null;
}

/** Whether any signal reached the workspace after `since` (the data a fit saw may have changed). */
export async function signalsArrivedSince(sql: Sql, input: { workspaceId: string; since: Date }): Promise<boolean> {
  // last_signal_at is kept by the refresh; signals not refreshed yet still have a request waiting.
  const [row] = await sql<{ any: boolean }[]>`
    select exists(select 1 from customers where workspace_id = ${input.workspaceId} and last_signal_at > ${input.since}::timestamptz)
      or exists(select 1 from refresh_requests where workspace_id = ${input.workspaceId} and requested_at > ${input.since}::timestamptz) as any`;
  return row!.any;
}
