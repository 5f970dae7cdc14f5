// The tier as SQL, for moments no tier was recorded (backtests over imported history): the
// same composite and cut-offs as tiers.ts (tierScore, tierFor), over a features row `f` as of
// `asOf`. A test keeps the two in agreement.
import type postgres from "postgres";
import { daysSinceLastPurchaseSql } from "../../db/queries/features.ts";
import { tierNames } from "../../db/scoring-schema.ts";
import type { TierSettings } from "./settings.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

const column = { spend180d: "spend_180d", spend90d: "spend_90d", orders180d: "orders_180d", categoryRepeatMax180d: "category_repeat_max_180d", spendTotal: "spend_total" } as const;

/** The composite score (0–100, two decimals) of features row `f` as of `asOf`. */
export function tierScoreSql(sql: Sql, s: TierSettings, asOf: Date) {
  const t = s.targets;
  const w = s.weights;
  const total = w.monetary + w.frequency + w.recency + w.engagement || 1;
  const cap = (e: postgres.Fragment) => sql`greatest(0::float8, least(1::float8, ${e}))`;
  const num = (v: number) => sql`${v}::float8`;
  const monetary = sql`((${cap(sql`f.spend_180d / ${num(t.spend180d)}`)}) * 3 + ${cap(sql`coalesce(f.aov_180d, 0) / ${num(t.aov180d)}`)}) / 4`;
  const frequency = cap(sql`f.orders_180d / ${num(t.orders180d)}`);
  const recency = sql`case when f.last_purchase_at is null then 0::float8 else ${cap(sql`1 - ${daysSinceLastPurchaseSql(sql, asOf)} / ${num(t.recencyDays)}`)} end`;
  const engagement = sql`(${cap(sql`f.active_days_30d / ${num(t.activeDays30d)}`)} + ${cap(sql`f.sessions_30d / ${num(t.sessions30d)}`)}) / 2`;
  return sql`round((100 * (${num(w.monetary)} * ${monetary} + ${num(w.frequency)} * ${frequency} + ${num(w.recency)} * ${recency} + ${num(w.engagement)} * ${engagement}) / ${num(total)})::numeric, 2)::float8`;
}

/**
 * The tier's rank (Bronze 1 … Diamond 5) for a composite `score` (or its `percentile` in the
 * workspace, relative method), raised to any floor features row `f` reaches.
 */
export function tierRankSql(sql: Sql, s: TierSettings, score: postgres.Fragment, percentile: postgres.Fragment) {
  const measure = s.method === "absolute" ? score : sql`coalesce(${percentile}, 0)`;
  const byCutoff = sql`case
    when ${measure} >= ${s.cutoffs.Diamond}::float8 then 5 when ${measure} >= ${s.cutoffs.Platinum}::float8 then 4
    when ${measure} >= ${s.cutoffs.Gold}::float8 then 3 when ${measure} >= ${s.cutoffs.Silver}::float8 then 2 else 1 end`;
  const floors = s.floors.map((fl) => sql`case when f.${sql(column[fl.fact])} >= ${fl.atLeast}::float8 then ${tierNames.indexOf(fl.tier) + 1}::int else 1 end`);
  return floors.reduce((acc, fl) => sql`greatest(${acc}, ${fl})`, byCutoff);
}
