// The daily pass's screen: which customers' scores can differ from their last one, in one
// statement over the whole workspace. The live and shadow rules run as their compiled SQL
// (the same conditions compile-js evaluates; a property test keeps the two in agreement),
// giving each customer's rule signature and score as computeScore would. Only the
// customers whose signature, score or newest signal differ from their last stored score go
// on to the JavaScript scorer, which writes the reasons. On an ordinary day that is a small
// share of the workspace, so the pass costs one statement plus the few that changed.
import type postgres from "postgres";
import type { IdRange } from "../../db/queries/features.ts";
import { ruleFragment } from "../rules-service/rule-sql.ts";
import type { ActiveRule } from "../rules-service/active-rules.ts";
import { customersWithFacts } from "./score-customers.ts";
import type { ScoringSettings } from "./settings.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * The customer ids, in order and a page of `size` at a time, whose score as of `asOf` may
 * differ from their last stored one (of the customers in `part`, a range of ids, when
 * given). Read from a cursor: after a bulk load every customer is screened in, and a million
 * ids held at once (with their row objects) took the first pass over the process's memory
 * budget.
 */
export async function* customersToRescore(
  sql: Sql,
  input: { workspaceId: string; asOf: Date; rules: readonly ActiveRule[]; settings: ScoringSettings; part?: IdRange },
  size = 1_000,
): AsyncGenerator<string[]> {
  const { workspaceId, asOf, rules, settings, part } = input;
  const counted = rules.filter((r) => r.definition.mode !== "off");
  // Each rule is evaluated once per customer, as column r<i>: it counts when it applies to
  // the customer's tier and its conditions hold.
  const matched = (r: ActiveRule) =>
    sql`(coalesce(t.tier = any(${r.definition.tiers as string[]}::text[]), false) and coalesce(${ruleFragment(sql, r.sql)}, false))`;
  const column = (i: number) => sql.unsafe(`r${i}`);
  const flags = counted.length === 0 ? sql`` : sql`, ${join(sql, counted.map((r, i) => sql`${matched(r)} as ${column(i)}`), sql`, `)}`;
  // computeScore: Math.round(modelWeight × churn probability), 0 without the model; the live
  // learned risk model's probability instead when it has one.
  const modelPoints = sql`(case when m.churn_probability is null then 0 else floor(${settings.modelWeight}::float8 * coalesce(m.risk_probability, m.churn_probability) + 0.5)::int end)`;
  const live = counted.flatMap((r, i) => (r.definition.mode === "live" ? [sql`(case when ${column(i)} then ${r.definition.points}::int else 0 end)`] : []));
  const rulePoints = live.length === 0 ? sql`0` : join(sql, live, sql` + `);
  // The signature lists `ruleId@version` of every reason and shadow hit, sorted as in JS; the
  // model's reason is "model@0".
  const entries = [
    ...counted.map((r, i) => ({ key: `${r.id}@${r.version}`, when: column(i) })),
    { key: "model@0", when: sql`(model_points > 0)` },
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const signature = sql`concat_ws(',', ${join(sql, entries.map((e) => sql`case when ${e.when} then ${e.key}::text end`), sql`, `)})`;
  const rows = sql`
    select customer_id from (
      select f.customer_id, date_trunc('milliseconds', f.watermark) as watermark, ${modelPoints} as model_points,
        last.score as last_score, last.signature as last_signature, last.watermark as last_watermark ${flags}
      from ${customersWithFacts(sql, { workspaceId, asOf, part })}
      -- Each rule once per customer: pulled up, its column would be pasted (and evaluated)
      -- wherever the signature and the score below read it.
      offset 0
    ) x
    where last_score is null
      -- JS holds milliseconds: the stored watermark came through a Date.
      or last_watermark is distinct from watermark
      or last_signature is distinct from ${signature}
      or last_score is distinct from least(100, ${rulePoints} + model_points)
    order by customer_id`.values();
  for await (const page of rows.cursor(size)) yield page.map((r) => r[0] as string);
}

function join(sql: Sql, parts: postgres.PendingQuery<postgres.Row[]>[], separator: postgres.PendingQuery<postgres.Row[]>) {
  return parts.reduce((acc, part, i) => (i === 0 ? part : sql`${acc}${separator}${part}`));
}
