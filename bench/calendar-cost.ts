// What the seasonal calendar costs, statement by statement, on a database a benchmark kept
// (BENCH_KEEP=1 npm run bench -- rescore | quality …, which prints "kept database <name>"):
//
//   npx tsx bench/calendar-cost.ts <database> [rounds]
//
// For each workspace: the daily recount of its calendar (refreshWorkspaceWeeks), and every
// customer's features read as of a day after the latest features with and without the
// seasonal Bayes factor's join, alternating, with how many customers the factor was computed
// for (those silent beyond their usual longest gap).
import { connectDatabase } from "../db/client.ts";
import { refreshWorkspaceWeeks, seasonalSilenceJoinSql } from "../db/queries/calendar.ts";
import { daysSinceLastPurchaseSql } from "../db/queries/features.ts";
import { benchDatabaseUrl, machineFacts } from "./support.ts";

const [name, rounds = "3"] = process.argv.slice(2);
if (!name) throw new Error("usage: npx tsx bench/calendar-cost.ts <database> [rounds]");
const url = new URL(benchDatabaseUrl());
url.pathname = `/${name}`;
const database = connectDatabase(url.toString(), { max: 2 });
const { sql } = database;
const ms = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const r = await fn();
  return [Math.round((performance.now() - t0) * 10) / 10, r];
};
const workspaces = await sql<{ workspace_id: string; as_of: Date; customers: number }[]>`
  select workspace_id, max(as_of) as as_of, count(*)::int as customers from customer_features group by 1 order by 3 desc`;
for (const ws of workspaces) {
  const asOf = new Date(ws.as_of.getTime() + 86_400_000);
  const plain = () => sql`select count(*)::int as n from (select f.*, ${daysSinceLastPurchaseSql(sql, asOf)} as d from customer_features f where f.workspace_id = ${ws.workspace_id} offset 0) x`;
  const joined = () => sql`
    select count(*)::int as n, count(x.seasonal_silence_bayes_factor)::int as computed from (
      select f.*, ${daysSinceLastPurchaseSql(sql, asOf)} as d, seasonal.seasonal_silence_bayes_factor
      from customer_features f ${seasonalSilenceJoinSql(sql, { workspaceId: ws.workspace_id, asOf })}
      where f.workspace_id = ${ws.workspace_id} offset 0) x`;
  const recount: number[] = [], without: number[] = [], withJoin: number[] = [];
  let computed = 0, sampled = false;
  for (let i = 0; i < Number(rounds); i++) {
    const [a, r] = await ms(() => refreshWorkspaceWeeks(sql, ws.workspace_id));
    sampled = r.sampled;
    recount.push(a);
    without.push((await ms(plain))[0]);
    const [c, rows] = await ms(joined);
    withJoin.push(c);
    computed = rows[0]!.computed;
  }
  console.log(JSON.stringify({ workspace: ws.workspace_id, customers: ws.customers, factorComputedFor: computed, calendarSampled: sampled, recountMs: recount, readMs: { without, withJoin } }));
}
console.log(JSON.stringify({ machine: await machineFacts(database) }));
await database.close();
