// Seasonal silence judged against the workspace's calendar: the daily pass counts distinct
// buyers per week (workspace_weeks), and a silent customer's weeks are compared with two
// rhythms (busy and quiet weeks) and with one, as a Bayes factor (db/queries/calendar.ts).
import { describe, expect, it } from "vitest";
import { betaln } from "../../src/model/special.ts";
import {
  BAYES_FACTOR_CAP,
  busyWeeksSql,
  refreshWorkspaceWeeks,
  seasonalBayesFactorSql,
} from "../../db/queries/calendar.ts";
import { compileRule } from "../../rules/compile-js.ts";
import { defaultRulePack } from "../../rules/default-pack.ts";
import type { ConditionNode } from "../../rules/conditions.ts";
import { rescoreWorkspace } from "../../src/scores/pipeline.ts";
import { loadFacts } from "../../src/scores/score-customers.ts";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { draft } from "../rules-service/support.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const push = async (ws: TestWorkspace, signals: unknown[]) => {
  for (let i = 0; i < signals.length; i += 500) {
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: signals.slice(i, i + 500) } });
    expect(res.status).toBe(200);
  }
};
/** A purchase every 7 days from `from` days ago down to `to` days ago. */
const weekly = (id: string, from: number, to: number) =>
  Array.from({ length: Math.floor((from - to) / 7) + 1 }, (_, i) => signal.purchase(id, daysAgo(from - 7 * i)));

/** The reference: B(1 + nb, 1 + fb) · B(1 + nq, 1 + fq) / B(1 + n, 1 + f), capped. */
const reference = (nb: number, fb: number, nq: number, fq: number) =>
  Math.min(BAYES_FACTOR_CAP, Math.exp(betaln(1 + nb, 1 + fb) + betaln(1 + nq, 1 + fq) - betaln(1 + nb + nq, 1 + fb + fq)));

describe("the seasonal Bayes factor", () => {
  // Its logarithm is rounded to 6 decimals: a relative error of at most 5e−7.
  it("agrees with the Beta-function reference for counts from none to ten years of weeks", async () => {
    const counts = [0, 1, 2, 3, 7, 15, 40, 120, 520];
    const grid = counts.flatMap((nb) => counts.flatMap((fb) => [0, 5, 60, 300].flatMap((nq) => [0, 4, 30, 400].map((fq) => [nb, fb, nq, fq]))));
    const rows = await ctx.database.sql<{ i: number; v: number }[]>`
      select k.i, ${ctx.database.sql.unsafe(seasonalBayesFactorSql)} as v
      from jsonb_to_recordset(${JSON.stringify(grid.map(([nb, fb, nq, fq], i) => ({ i, n_busy: nb, f_busy: fb, n_quiet: nq, f_quiet: fq })))}::text::jsonb)
        as k(i int, n_busy float8, f_busy float8, n_quiet float8, f_quiet float8)`;
    expect(rows).toHaveLength(grid.length);
    for (const { i, v } of rows) {
      const want = reference(...(grid[i] as [number, number, number, number]));
      expect(Math.abs(v - want), `${grid[i]}: ${v} against ${want}`).toBeLessThanOrEqual(0.0005 + want * 1e-6);
    }
  });

  it("is exactly 1 when busy and quiet weeks are bought in alike, and below 1 for a short even history", async () => {
    const [row] = await ctx.database.sql<{ even: number; none: number }[]>`
      select (select ${ctx.database.sql.unsafe(seasonalBayesFactorSql)} from (select 0::float8 as n_busy, 0::float8 as f_busy, 10::float8 as n_quiet, 30::float8 as f_quiet) k) as none,
        (select ${ctx.database.sql.unsafe(seasonalBayesFactorSql)} from (select 2::float8 as n_busy, 2::float8 as f_busy, 4::float8 as n_quiet, 4::float8 as f_quiet) k) as even`;
    expect(row!.none).toBe(1);
    expect(row!.even).toBeLessThan(1);
  });
});

describe("the workspace calendar", () => {
  it("counts each week's distinct buyers, however often they bought in it", async () => {
    const ws = await ctx.workspace();
    // Monday 2026-11-02 and Tuesday 2026-11-03 are one week; 2026-11-09 is the next.
    await push(ws, [
      signal.purchase("a", "2026-11-02T10:00:00Z"),
      signal.purchase("a", "2026-11-03T10:00:00Z"),
      signal.purchase("b", "2026-11-08T23:00:00Z"),
      signal.purchase("b", "2026-11-09T01:00:00Z"),
    ]);
    await rescoreWorkspace(ctx, { workspaceId: ws.id });
    const weeks = await ctx.database.sql`select week, buyers from workspace_weeks where workspace_id = ${ws.id} order by week`;
    expect(weeks.map((w) => [(w.week as Date).toISOString().slice(0, 10), w.buyers])).toEqual([
      ["2026-11-02", 2],
      ["2026-11-09", 1],
    ]);
  });

  it("drops a week nobody bought in any more, and leaves other workspaces' weeks alone", async () => {
    const ws = await ctx.workspace();
    const other = await ctx.workspace();
    await ctx.database.sql`insert into workspace_weeks values (${ws.id}, '2026-01-05', 3), (${other.id}, '2026-01-05', 4)`;
    await refreshWorkspaceWeeks(ctx.database.sql, ws.id);
    expect(await ctx.database.sql`select workspace_id, buyers from workspace_weeks where week = '2026-01-05' and workspace_id in (${ws.id}, ${other.id})`).toEqual([
      { workspace_id: other.id, buyers: 4 },
    ]);
  });

  it("counts a larger workspace from a repeatable sample of its customers", async () => {
    const ws = await ctx.workspace();
    await push(ws, Array.from({ length: 30 }, (_, i) => weekly(`c-${i}`, 60, 4)).flat());
    await rescoreWorkspace(ctx, { workspaceId: ws.id });
    const weeks = () => ctx.database.sql`select week, buyers from workspace_weeks where workspace_id = ${ws.id} order by week`;
    const full = await weeks();
    expect(Math.max(...full.map((w) => w.buyers as number))).toBe(30);
    const first = await refreshWorkspaceWeeks(ctx.database.sql, ws.id, 10);
    const sampledOnce = await weeks();
    expect(first.sampled).toBe(true);
    expect(sampledOnce.every((w) => (w.buyers as number) <= 30)).toBe(true);
    await refreshWorkspaceWeeks(ctx.database.sql, ws.id, 10);
    expect(await weeks()).toEqual(sampledOnce);
  });

  it("finds busy weeks among the complete weeks before the moment's week, a week without buyers counting as none", async () => {
    const ws = await ctx.workspace();
    // Ten weeks from Monday 2026-09-07: 10 buyers a week, 20 in the third and fourth, none in
    // the sixth (no row), and 50 in the week of the moment itself, which is not complete.
    const buyers = [10, 10, 20, 20, 10, null, 10, 10, 10, 10, 50];
    const rows = buyers.flatMap((b, i) => (b === null ? [] : [{ workspace_id: ws.id, week: new Date(Date.UTC(2026, 8, 7 + 7 * i)), buyers: b }]));
    await ctx.database.sql`insert into workspace_weeks ${ctx.database.sql(rows)}`;
    const asOf = new Date("2026-11-18T12:00:00Z"); // a Wednesday in the eleventh week
    const [row] = await ctx.database.sql<{ busy: Date[] }[]>`select ${busyWeeksSql(ctx.database.sql, { workspaceId: ws.id, asOf })} as busy`;
    expect(row!.busy.map((d) => d.toISOString().slice(0, 10))).toEqual(["2026-09-21", "2026-09-28"]);
  });

  it("has no busy weeks to offer with fewer than 8 complete weeks", async () => {
    const ws = await ctx.workspace();
    const rows = [10, 30, 10, 10, 10, 10, 10].map((b, i) => ({ workspace_id: ws.id, week: new Date(Date.UTC(2026, 9, 5 + 7 * i)), buyers: b }));
    await ctx.database.sql`insert into workspace_weeks ${ctx.database.sql(rows)}`;
    const [row] = await ctx.database.sql`select ${busyWeeksSql(ctx.database.sql, { workspaceId: ws.id, asOf: new Date("2026-11-25T12:00:00Z") })} as busy`;
    expect(row!.busy).toBeNull();
  });
});

describe("silence in the off-season", () => {
  // The default silence rule, its tier condition aside (these customers have no tier yet).
  const silence = defaultRulePack.find((r) => r.id === "vip-long-silence")!;
  const conditions = silence.conditions as { all: ConditionNode[] };
  const withoutTier: ConditionNode = { all: conditions.all.filter((c) => !("fact" in c && c.fact === "tier")) };

  /** A brand with a season, a seasonal buyer in their first off-season and a steady buyer gone quiet, after a daily pass. */
  const seasonalBrand = async () => {
    const ws = await ctx.workspace();
    // The brand's season: days 200 to 150 ago, and the year before. A crowd buys weekly in
    // season only; four regulars buy weekly all year round.
    const crowd = Array.from({ length: 10 }, (_, i) => [...weekly(`crowd-${i}`, 200, 150), ...weekly(`crowd-${i}`, 565, 515)]).flat();
    const regulars = Array.from({ length: 4 }, (_, i) => weekly(`regular-${i}`, 570, 3)).flat();
    // One season of their own, silent for 150 days since: the first off-season.
    const seasonal = weekly("seasonal", 200, 150);
    // Weekly for a year and a half, silent for the last 42 days.
    const leaver = weekly("leaver", 570, 42);
    await push(ws, [...crowd, ...regulars, ...seasonal, ...leaver]);
    await rescoreWorkspace(ctx, { workspaceId: ws.id, asOf: DEFAULT_NOW });
    return ws;
  };

  it("keeps the silence rule from a seasonal buyer between seasons, and fires it on a steady buyer gone quiet", async () => {
    const ws = await seasonalBrand();

    const loaded = await loadFacts(ctx, { workspaceId: ws.id, customerIds: ["seasonal", "leaver"], asOf: DEFAULT_NOW });
    const [s, l] = ["seasonal", "leaver"].map((id) => loaded.find((c) => c.customerId === id));
    expect(s!.facts.seasonalSilenceBayesFactor).toBeGreaterThanOrEqual(3);
    expect(l!.facts.seasonalSilenceBayesFactor).toBeLessThan(1);
    expect(compileRule(withoutTier)(s!.facts).matched).toBe(false);
    expect(compileRule(withoutTier)(l!.facts).matched).toBe(true);
    // Silence alone would have fired on both: the calendar is what spares the seasonal buyer.
    const silenceOnly: ConditionNode = { all: conditions.all.filter((c) => "fact" in c && c.fact !== "tier") };
    expect(compileRule(silenceOnly)(s!.facts).matched).toBe(true);
  });

  it("shows the factor on the customer's profile, as the rules read it", async () => {
    ctx.setNow(DEFAULT_NOW);
    const ws = await seasonalBrand();
    const profile = await readJson(await ctx.request("/v1/customers/seasonal", { key: ws.keys.manager }));
    const [facts] = await loadFacts(ctx, { workspaceId: ws.id, customerIds: ["seasonal"], asOf: DEFAULT_NOW });
    expect(profile.features.seasonalSilenceBayesFactor).toBeGreaterThanOrEqual(3);
    expect(profile.features.seasonalSilenceBayesFactor).toBe(facts!.facts.seasonalSilenceBayesFactor);
    expect(profile.features).not.toHaveProperty("purchaseWeeks");
  });

  it("reads the same factor in a backtest's SQL as in a dry run", async () => {
    ctx.setNow(DEFAULT_NOW);
    const ws = await seasonalBrand();
    const rule = draft({ conditions: { all: [{ fact: "seasonalSilenceBayesFactor", operator: "greaterThanInclusive", value: 3 }] } });
    const backtest = await readJson(await ctx.request("/v1/rules/backtest", { key: ws.keys.marketer, json: { asOf: DEFAULT_NOW.toISOString(), rule } }));
    // The crowd are seasonal buyers between seasons too.
    const seasonalBuyers = [...Array.from({ length: 10 }, (_, i) => `crowd-${i}`), "seasonal"].sort();
    expect(backtest.dates[0].flaggedCustomers.map((c: { customerId: string }) => c.customerId).sort()).toEqual(seasonalBuyers);
    for (const [id, matched] of [["seasonal", true], ["leaver", false]] as const) {
      const run = await readJson(await ctx.request("/v1/rules/dry-run", { key: ws.keys.marketer, json: { rule, customerId: id } }));
      expect(run.matched, id).toBe(matched);
    }
  });

  it("leaves the factor empty, and the rule as it was, for a customer within their usual longest gap", async () => {
    const ws = await ctx.workspace();
    const regulars = Array.from({ length: 4 }, (_, i) => weekly(`regular-${i}`, 200, 3)).flat();
    await push(ws, regulars);
    await rescoreWorkspace(ctx, { workspaceId: ws.id, asOf: DEFAULT_NOW });
    const [r] = await loadFacts(ctx, { workspaceId: ws.id, customerIds: ["regular-0"], asOf: DEFAULT_NOW });
    expect(r!.facts.seasonalSilenceBayesFactor).toBeNull();
  });
});
