// The VIP tier: a weighted composite of monetary value, frequency, recency and engagement,
// cut into Bronze…Diamond by absolute scores or workspace percentiles, with absolute floors.
// Pure: the same function serves one customer and a million.
import { tierNames, tierRank, type Tier } from "../../db/scoring-schema.ts";
import type { Locale } from "../../rules/index.ts";
import { koPhrases } from "../../rules/phrases-ko.ts";
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

type Floor = TierSettings["floors"][number];

// A tier's reason in the workspace's language (localeOf): the account manager reads it on
// the customer's page, beside the rules' reasons.
const reasonWords = {
  en: {
    cutoff: (score: string, tier: Tier) => `composite score ${score} reaches the ${tier} cut-off`,
    percentile: (score: string, pct: number) => `composite score ${score} is at the ${pct}th percentile of the workspace`,
    floor: (fl: Floor, value: number) => `${fl.fact} ${value.toLocaleString("en-US")} reaches the ${fl.tier} floor of ${fl.atLeast.toLocaleString("en-US")}`,
    promoted: (reason: string) => `promoted mid-period: ${reason}`,
    first: (reason: string) => `first evaluation: ${reason}`,
    scheduled: (reason: string) => `scheduled re-evaluation: ${reason}`,
  },
  ko: {
    cutoff: (score: string, tier: Tier) => `종합 점수 ${score}점, ${tier} 기준 충족`,
    percentile: (score: string, pct: number) => `종합 점수 ${score}점, 워크스페이스 상위 ${100 - pct}% (백분위 ${pct})`,
    floor: (fl: Floor, value: number) =>
      `${koPhrases[fl.fact].label} ${value.toLocaleString("ko-KR")}${koPhrases[fl.fact].counter ?? ""}, ${fl.tier} 최소 기준 ${fl.atLeast.toLocaleString("ko-KR")}${koPhrases[fl.fact].counter ?? ""} 충족`,
    promoted: (reason: string) => `기간 중 승급: ${reason}`,
    first: (reason: string) => `첫 등급 평가: ${reason}`,
    scheduled: (reason: string) => `정기 재평가: ${reason}`,
  },
} as const satisfies Record<Locale, unknown>;

/** How a tier decision came about, around its reason: promoted mid-period, first evaluation, scheduled re-evaluation. */
export const tierOccasion = (locale: Locale, occasion: "promoted" | "first" | "scheduled", reason: string) => reasonWords[locale][occasion](reason);

/**
 * The tier for a composite score (absolute) or its percentile in the workspace (relative),
 * raised to any floor the customer reaches. Returns the reason in words, in `locale`.
 */
export function tierFor(f: TierInputs, score: number, percentile: number | null, s: TierSettings, locale: Locale = "en"): { tier: Tier; reason: string } {
  const w = reasonWords[locale];
  const measure = s.method === "absolute" ? score : (percentile ?? 0);
  let tier: Tier = "Bronze";
  for (const name of ["Silver", "Gold", "Platinum", "Diamond"] as const) if (measure >= s.cutoffs[name]) tier = name;
  let reason = s.method === "absolute" ? w.cutoff(score.toFixed(1), tier) : w.percentile(score.toFixed(1), Math.round((percentile ?? 0) * 100));
  for (const floor of s.floors) {
    if (f[floor.fact] >= floor.atLeast && tierRank(floor.tier) > tierRank(tier)) {
      tier = floor.tier;
      reason = w.floor(floor, f[floor.fact]);
    }
  }
  return { tier, reason };
}

export const higherTier = (a: Tier, b: Tier) => (tierRank(a) >= tierRank(b) ? a : b);
export { tierNames };
