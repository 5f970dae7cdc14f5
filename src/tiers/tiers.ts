// The VIP tier: a weighted composite of monetary value, frequency, recency and engagement,
// cut into Bronze…Diamond by absolute scores or workspace percentiles, with absolute floors.
// Pure: the same function serves one customer and a million.
import { tierNames, tierRank, type Tier } from "../../db/scoring-schema.ts";
import type { TierSettings } from "./settings.ts";

export type TierInputs = {
  spend180d: number;
  spend90d: number;
  aov180d: number | null;
  orders180d: number;
  spendTotal: number;
  daysSinceLastPurchase: number | null;
  activeDays30d: number;
  sessions30d: number;
  categoryRepeatMax180d: number;
};

export type TierParts = { monetary: number; frequency: number; recency: number; engagement: number };

const cap = (v: number) => Math.max(0, Math.min(1, v));

/** Each part in 0–1 and the composite in 0–100. */
export function tierScore(f: TierInputs, s: TierSettings): { score: number; parts: TierParts } {
  const t = s.targets;
  const parts: TierParts = {
    monetary: (cap(f.spend180d / t.spend180d) * 3 + cap((f.aov180d ?? 0) / t.aov180d)) / 4,
    frequency: cap(f.orders180d / t.orders180d),
    recency: f.daysSinceLastPurchase === null ? 0 : cap(1 - f.daysSinceLastPurchase / t.recencyDays),
    engagement: (cap(f.activeDays30d / t.activeDays30d) + cap(f.sessions30d / t.sessions30d)) / 2,
  };
  const w = s.weights;
  const total = w.monetary + w.frequency + w.recency + w.engagement || 1;
  const score =
    (100 * (w.monetary * parts.monetary + w.frequency * parts.frequency + w.recency * parts.recency + w.engagement * parts.engagement)) / total;
  return { score: Math.round(score * 100) / 100, parts };
}

/**
 * The tier for a composite score (absolute) or its percentile in the workspace (relative),
 * raised to any floor the customer reaches. Returns the reason in words.
 */
export function tierFor(f: TierInputs, score: number, percentile: number | null, s: TierSettings): { tier: Tier; reason: string } {
  const measure = s.method === "absolute" ? score : (percentile ?? 0);
  let tier: Tier = "Bronze";
  for (const name of ["Silver", "Gold", "Platinum", "Diamond"] as const) if (measure >= s.cutoffs[name]) tier = name;
  let reason =
    s.method === "absolute"
      ? `composite score ${score.toFixed(1)} reaches the ${tier} cut-off`
      : `composite score ${score.toFixed(1)} is at the ${Math.round((percentile ?? 0) * 100)}th percentile of the workspace`;
  for (const floor of s.floors) {
    if (f[floor.fact] >= floor.atLeast && tierRank(floor.tier) > tierRank(tier)) {
      tier = floor.tier;
      reason = `${floor.fact} ${f[floor.fact].toLocaleString("en-US")} reaches the ${floor.tier} floor of ${floor.atLeast.toLocaleString("en-US")}`;
    }
  }
  return { tier, reason };
}

export const higherTier = (a: Tier, b: Tier) => (tierRank(a) >= tierRank(b) ? a : b);
export { tierNames };
