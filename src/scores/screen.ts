// The daily pass's screen: which customers' scores can differ from their last one, in one
// statement over the whole workspace. The live and shadow rules run as their compiled SQL
// (the same conditions compile-js evaluates; a property test keeps the two in agreement),
// giving each customer's rule signature and score as computeScore would. Only the
// customers whose signature, score or newest signal differ from their last stored score go
// on to the JavaScript scorer, which writes the reasons. On an ordinary day that is a small
// share of the workspace, so the pass costs one statement plus the few that changed.
import type postgres from "postgres";
import { ruleFragment } from "../rules-service/rule-sql.ts";
import type { ActiveRule } from "../rules-service/active-rules.ts";
import { customersWithFacts } from "./score-customers.ts";
import type { ScoringSettings } from "./settings.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/** The customer ids, in order, whose score as of `asOf` may differ from their last stored one. */
export async function customersToRescore(
  sql: Sql,
  input: { workspaceId: string; asOf: Date; rules: readonly ActiveRule[]; settings: ScoringSettings },
): Promise<string[]> {
  const { workspaceId, asOf, rules, settings } = input;
  // A rule counts when it applies to the customer's tier and its conditions hold.
  const matched = (r: ActiveRule) =>
    sql`(coalesce(t.tier = any(${r.definition.tiers as string[]}::text[]), false) and coalesce(${ruleFragment(sql, r.sql)}, false))`;
  // computeScore: Math.round(modelWeight × churn probability), 0 without the model.
  const modelPoints = sql`(case when m.churn_probability is null then 0 else floor(${settings.modelWeight}::float8 * m.churn_probability + 0.5)::int end)`;
  const live = rules.filter((r) => r.definition.mode === "live");
  const rulePoints = live.length === 0 ? sql`0` : join(sql, live.map((r) => sql`(case when ${matched(r)} then ${r.definition.points}::int else 0 end)`), sql` + `);
  // The signature lists `ruleId@version` of every reason and shadow hit, sorted as in JS; the
  // model's reason is "model@0".
  const entries = [
    ...rules.filter((r) => r.definition.mode !== "off").map((r) => ({ key: `${r.id}@${r.version}`, when: matched(r) })),
    { key: "model@0", when: sql`(${modelPoints} > 0)` },
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const signature = sql`concat_ws(',', ${join(sql, entries.map((e) => sql`case when ${e.when} then ${e.key}::text end`), sql`, `)})`;
  const rows = await sql<{ customer_id: string }[]>`
    select f.customer_id
    from ${customersWithFacts(sql, { workspaceId, asOf })}
    where last.score is null
      -- JS holds milliseconds: the stored watermark came through a Date.
      or last.watermark is distinct from date_trunc('milliseconds', f.watermark)
      or last.signature is distinct from ${signature}
      or last.score is distinct from least(100, ${rulePoints} + ${modelPoints})
    order by f.customer_id`;
  return rows.map((r) => r.customer_id);
}

function join(sql: Sql, parts: postgres.PendingQuery<postgres.Row[]>[], separator: postgres.PendingQuery<postgres.Row[]>) {
  return parts.reduce((acc, part, i) => (i === 0 ? part : sql`${acc}${separator}${part}`));
}
