// What proposed tier settings would do to this workspace before they are saved: how many
// customers each tier holds now and would hold under the proposal, as of now. One set-based
// query over the features (the same composite and cut-offs as the tier evaluation, through
// tier-sql.ts), so the settings page can ask on every edit.
import { tierNames, type Tier } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { tierSettingsOf } from "./evaluate.ts";
import type { TierSettingsPatch } from "./settings.ts";
import { tierRankSql, tierScoreSql } from "./tier-sql.ts";

type Counts = Record<Tier, number>;

const zero = (): Counts => Object.fromEntries(tierNames.map((t) => [t, 0])) as Counts;

export async function previewTierSettings(deps: Deps, input: { workspaceId: string; proposal: TierSettingsPatch }) {
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const proposed = tierSettingsOf({ tiers: { ...settings.tiers, ...input.proposal } });
  const sql = deps.database.sql;
  const asOf = deps.clock();
  const score = tierScoreSql(sql, proposed, asOf);
  // Relative tiers: the share of the workspace's composites strictly below, as the scheduled evaluation computes it.
  const rows = await sql<{ current: Tier | null; proposed_rank: number; n: number }[]>`
    with scored as (
      select f.customer_id, f.spend_180d, f.spend_90d, f.orders_180d, f.category_repeat_max_180d, f.spend_total, ${score} as score
      from customer_features f where f.workspace_id = ${input.workspaceId}
    ), ranked as (
      select s.*, (rank() over (order by s.score) - 1)::float8 / count(*) over () as percentile from scored s
    )
    select t.tier as current, ${tierRankSql(sql, proposed, sql`f.score`, sql`f.percentile`)} as proposed_rank, count(*)::int as n
    from ranked f left join customer_tiers t on t.workspace_id = ${input.workspaceId} and t.customer_id = f.customer_id
    group by 1, 2`;
  const current = zero();
  const next = zero();
  let customers = 0;
  let untiered = 0;
  let moved = 0;
  for (const r of rows) {
    const tier = tierNames[r.proposed_rank - 1]!;
    customers += r.n;
    next[tier] += r.n;
    if (r.current === null) untiered += r.n;
    else current[r.current] += r.n;
    if (r.current !== tier) moved += r.n;
  }
  return { asOf: asOf.toISOString(), customers, current, untiered, proposed: next, moved, settings: proposed };
}
