// Assigning tiers. Streaming (after a customer's features change): a customer who crosses
// upward is promoted at once, never demoted. Scheduled (quarterly by default): every
// customer is re-evaluated, up or down. Each change is kept with its reason.
import type postgres from "postgres";
import { tierRank, type Tier } from "../../db/scoring-schema.ts";
import { daysSinceLastPurchaseSql, idRangeSql, type IdRange } from "../../db/queries/features.ts";
import type { Deps } from "../deps.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { defaultTierSettings, type TierSettings } from "./settings.ts";
import { localeOf } from "../workspaces/locale.ts";
import { tierFor, tierOccasion, tierScore, type TierInputs } from "./tiers.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

type FeatureRow = TierInputs & { customer_id: string };
type CurrentTier = { customer_id: string; tier: Tier; tier_score: number };

export const tierSettingsOf = (settings: { tiers?: Partial<TierSettings> }): TierSettings => ({ ...defaultTierSettings, ...settings.tiers });

const featureColumns = (sql: Sql, asOf: Date) => sql`
  f.customer_id, f.spend_180d as "spend180d", f.spend_90d as "spend90d", f.aov_180d as "aov180d",
  f.orders_180d as "orders180d", f.spend_total as "spendTotal", ${daysSinceLastPurchaseSql(sql, asOf)} as "daysSinceLastPurchase",
  f.active_days_30d as "activeDays30d", f.sessions_30d as "sessions30d", f.category_repeat_max_180d as "categoryRepeatMax180d"`;

export type TierDecision = { customerId: string; tier: Tier; score: number; parts: Record<string, number>; reason: string; changed: boolean };

/**
 * Streaming: evaluate the given customers as of a moment, promoting at once; first sight
 * assigns a tier. `part`, the range of ids a sorted page covers, lets the primary keys
 * bound the reads (a list alone, the planner scans the tables).
 */
export async function promoteTiers(
  deps: Deps,
  input: { workspaceId: string; customerIds: readonly string[]; asOf?: Date; part?: IdRange },
): Promise<TierDecision[]> {
  const asOf = input.asOf ?? deps.clock();
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const s = tierSettingsOf(settings);
  const locale = localeOf(settings);
  const sql = deps.database.sql;
  const rows = await sql<FeatureRow[]>`
    select ${featureColumns(sql, asOf)} from customer_features f
    where f.workspace_id = ${input.workspaceId} and f.customer_id = any(${input.customerIds as string[]}::text[])
      ${idRangeSql(sql, "f.customer_id", input.part)}`;
  const current = await currentTiers(sql, input.workspaceId, input.customerIds, input.part);
  const percentileOf = s.method === "relative" ? await storedPercentiles(sql, input.workspaceId) : () => null;
  const decisions = rows.map((f) => {
    const { score, parts } = tierScore(f, s);
    const { tier, reason } = tierFor(f, score, percentileOf(score), s, locale);
    const was = current.get(f.customer_id);
    const promote = !was || tierRank(tier) > tierRank(was.tier);
    return {
      customerId: f.customer_id,
      tier: promote ? tier : was.tier,
      score,
      parts,
      reason: tierOccasion(locale, was ? "promoted" : "first", reason),
      changed: promote,
    };
  });
  await writeTiers(sql, input.workspaceId, decisions, current, asOf);
  return decisions;
}

/** Scheduled: every customer of the workspace, up or down, in pages. */
export async function reevaluateTiers(deps: Deps, input: { workspaceId: string; pageSize?: number }) {
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const s = tierSettingsOf(settings);
  const locale = localeOf(settings);
  const sql = deps.database.sql;
  const pageSize = input.pageSize ?? 5_000;
  const now = deps.clock();
  // Relative cut-offs need the whole distribution first.
  let percentileOf: (score: number) => number | null = () => null;
  if (s.method === "relative") {
    const scores: number[] = [];
    await forEachPage(sql, input.workspaceId, now, pageSize, async (rows) => {
      for (const f of rows) scores.push(tierScore(f, s).score);
    });
    percentileOf = percentileFunction(Float64Array.from(scores).sort());
  }
  let evaluated = 0;
  let changed = 0;
  await forEachPage(sql, input.workspaceId, now, pageSize, async (rows) => {
    const current = await currentTiers(sql, input.workspaceId, rows.map((r) => r.customer_id));
    const decisions = rows.map((f) => {
      const { score, parts } = tierScore(f, s);
      const { tier, reason } = tierFor(f, score, percentileOf(score), s, locale);
      const was = current.get(f.customer_id);
      return { customerId: f.customer_id, tier, score, parts, reason: tierOccasion(locale, "scheduled", reason), changed: !was || was.tier !== tier };
    });
    await writeTiers(sql, input.workspaceId, decisions, current, now);
    evaluated += decisions.length;
    changed += decisions.filter((d) => d.changed).length;
  });
  return { evaluated, changed };
}

async function forEachPage(sql: Sql, workspaceId: string, asOf: Date, pageSize: number, fn: (rows: FeatureRow[]) => Promise<void>) {
  let after = "";
  for (;;) {
    const rows = await sql<FeatureRow[]>`
      select ${featureColumns(sql, asOf)} from customer_features f
      where f.workspace_id = ${workspaceId} and f.customer_id > ${after}
      order by f.customer_id limit ${pageSize}`;
    if (rows.length === 0) return;
    await fn(rows);
    after = rows.at(-1)!.customer_id;
  }
}

async function currentTiers(sql: Sql, workspaceId: string, customerIds: readonly string[], part?: IdRange) {
  const rows = await sql<CurrentTier[]>`
    select customer_id, tier, tier_score from customer_tiers
    where workspace_id = ${workspaceId} and customer_id = any(${customerIds as string[]}::text[]) ${idRangeSql(sql, "customer_id", part)}`;
  return new Map(rows.map((r) => [r.customer_id, r]));
}

/** Percentile of a score among the workspace's stored tier scores (streaming, relative method). */
async function storedPercentiles(sql: Sql, workspaceId: string) {
  const rows = await sql<{ tier_score: number }[]>`
    select tier_score from customer_tiers where workspace_id = ${workspaceId} order by tier_score`;
  return percentileFunction(Float64Array.from(rows.map((r) => r.tier_score)));
}

/** Share of scores strictly below `score`, from a sorted array (binary search). */
function percentileFunction(sorted: Float64Array) {
  return (score: number): number | null => {
    if (sorted.length === 0) return null;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < score) lo = mid + 1;
      else hi = mid;
    }
    return lo / sorted.length;
  };
}

async function writeTiers(sql: postgres.Sql, workspaceId: string, all: TierDecision[], current: Map<string, CurrentTier>, now: Date) {
  // A tier that stays and a composite that moved by less than a point are not rewritten:
  // every session nudges engagement, and the write would cost more than it tells.
  const decisions = all.filter((d) => {
    const was = current.get(d.customerId);
    return d.changed || !was || was.tier !== d.tier || Math.abs(was.tier_score - d.score) >= 1;
  });
  if (decisions.length === 0) return;
  const rows = decisions.map((d) => ({ c: d.customerId, tier: d.tier, rank: tierRank(d.tier), score: d.score, parts: d.parts, changed: d.changed, reason: d.reason, from: current.get(d.customerId)?.tier ?? null }));
  await sql.begin(async (tx) => {
    await tx`
      insert into customer_tiers (workspace_id, customer_id, tier, tier_rank, tier_score, parts, since, evaluated_at)
      select ${workspaceId}, r.c, r.tier, r.rank, r.score, r.parts, ${now}::timestamptz, ${now}::timestamptz
      from jsonb_to_recordset(${tx.json(rows)}) as r(c text, tier text, rank int, score float8, parts jsonb)
      on conflict (workspace_id, customer_id) do update set
        tier = excluded.tier, tier_rank = excluded.tier_rank, tier_score = excluded.tier_score, parts = excluded.parts,
        evaluated_at = excluded.evaluated_at,
        since = case when customer_tiers.tier = excluded.tier then customer_tiers.since else excluded.since end`;
    const changes = rows.filter((r) => r.changed);
    if (changes.length > 0) {
      await tx`
        insert into tier_history (workspace_id, customer_id, from_tier, to_tier, tier_score, parts, reason, changed_at)
        select ${workspaceId}, r.c, r.from, r.tier, r.score, r.parts, r.reason, ${now}::timestamptz
        from jsonb_to_recordset(${tx.json(changes)}) as r(c text, "from" text, tier text, score float8, parts jsonb, reason text)`;
    }
  });
}
