// Variants of the default pack tried offline on the quality bench's replays
// (bench/quality-packs.ts): the 30-day ratio tests the pack had before the shortfall facts,
// other shortfall chances, a rule on the learned model's budget line, and silence judged by its
// chance at the customer's own rhythm (silenceChance) instead of a ratio to their usual longest gap.
import type { ConditionLeaf, RuleConditions } from "../rules/conditions.ts";
import { defaultRulePack } from "../rules/default-pack.ts";
import type { PackRule } from "../rules/definition.ts";

const vip: ConditionLeaf = { fact: "tier", operator: "greaterThanInclusive", value: "Gold" };
const usualAtLeast = (fact: string, v: number): ConditionLeaf => ({ fact, operator: "greaterThanInclusive", value: v });
const ratio = (fact: string, usual: string, factor: number): ConditionLeaf => ({ fact, operator: "lessThanInclusive", value: { fact: usual, factor } });
const chance = (fact: string, p: number): ConditionLeaf => ({ fact, operator: "lessThanInclusive", value: p });
const rule = (id: string) => defaultRulePack.find((r) => r.id === id)!;
/** competitor-shift's rival part and still-buying part, as shipped (its conditions are all: [rivalRising, ownFalling, stillBuying]). */
const [rivalRising, , stillBuying] = (rule("competitor-shift").conditions as { all: RuleConditions[] }).all;

type Own = { falling: RuleConditions; drop: RuleConditions; fading: RuleConditions[] };
/** The pack before the shortfall facts: own buying against the usual by 30-day ratios. */
const ratios: Own = {
  falling: {
    any: [
      { all: [usualAtLeast("orders30dUsual", 1), ratio("spend30d", "spend30dUsual", 0.7)] },
      { all: [usualAtLeast("orders30dUsual", 1), ratio("orders30d", "orders30dUsual", 0.7)] },
      { all: [usualAtLeast("sessions30dUsual", 2), ratio("sessions30d", "sessions30dUsual", 0.7)] },
    ],
  },
  drop: { any: [ratio("orders30d", "orders30dUsual", 0.5), ratio("spend30d", "spend30dUsual", 0.5)] },
  fading: [ratio("orders30d", "orders30dUsual", 0.5), ratio("spend30d", "spend30dUsual", 0.5), ratio("sessions30d", "sessions30dUsual", 0.5)],
};
const shortfalls = (own: number, drop: number, fading: number): Own => ({
  falling: { any: [chance("orders30dShortfallChance", own), chance("sessions30dShortfallChance", own)] },
  drop: chance("orders30dShortfallChance", drop),
  fading: [chance("orders30dShortfallChance", fading), chance("sessions30dShortfallChance", fading), ratio("spend30d", "spend30dUsual", 0.5)],
});
const riskRule = (own: Own): PackRule => ({
  ...rule("competitor-shift"),
  id: "learned-risk-over-budget",
  name: "Learned risk above the alert budget's line",
  conditions: {
    all: [
      { fact: "riskProbability", operator: "greaterThanInclusive", value: { fact: "riskAlertThreshold", factor: 1 } },
      { any: [own.falling, rivalRising!, { fact: "gapSilenceRatio", operator: "greaterThan", value: 1 }] },
    ],
  },
});

function variant(own: Own, withRisk = false): PackRule[] {
  const pack = defaultRulePack.map((r): PackRule => {
    switch (r.id) {
      case "competitor-shift":
        return { ...r, conditions: { all: [rivalRising!, own.falling, stillBuying!] } };
      case "competitor-shift-confident":
        return { ...r, conditions: { all: [rivalRising!, own.falling, stillBuying!, { fact: "competitorConfidence30d", operator: "greaterThanInclusive", value: 0.8 }] } };
      case "vip-order-drop":
        return { ...r, conditions: { all: [vip, usualAtLeast("orders30dUsual", 2), own.drop] } };
      case "vip-fading":
        return { ...r, conditions: { all: [vip, usualAtLeast("orders30dUsual", 2), ...own.fading] } };
      default:
        return r;
    }
  });
  return withRisk ? [...pack, riskRule(own)] : pack;
}

/** A silence as unlikely as `chance` at the customer's own rhythm. */
const silentBeyond = (p: number): ConditionLeaf => chance("silenceChance", p);
/**
 * The shipped pack with silence judged by its chance: vip-long-silence at most `long` (no cut on the number of gaps:
 * the chance weighs them), and, when `own` is set, a silence at most that likely as one more sign of own buying falling
 * beside the two shortfalls (in competitor-shift).
 */
function silenceVariant(long: number | null, own: number | null, fading: number | null = null): PackRule[] {
  const falling: RuleConditions = own === null ? shortfalls(0.2, 0.1, 0.2).falling : { any: [...(shortfalls(0.2, 0.1, 0.2).falling as { any: RuleConditions[] }).any, silentBeyond(own)] };
  return variant(shortfalls(0.2, 0.1, 0.2)).map((r): PackRule => {
    switch (r.id) {
      case "vip-long-silence":
        return long === null ? r : { ...r, conditions: { all: [vip, silentBeyond(long)] } };
      case "competitor-shift":
        return { ...r, conditions: { all: [rivalRising!, falling, stillBuying!] } };
      case "competitor-shift-confident":
        return { ...r, conditions: { all: [rivalRising!, falling, stillBuying!, { fact: "competitorConfidence30d", operator: "greaterThanInclusive", value: 0.8 }] } };
      case "vip-fading":
        return fading === null ? r : { ...r, conditions: { all: [vip, usualAtLeast("orders30dUsual", 2), { any: [chance("orders30dShortfallChance", 0.2), silentBeyond(fading)] }, chance("sessions30dShortfallChance", 0.2), ratio("spend30d", "spend30dUsual", 0.5)] } };
      default:
        return r;
    }
  });
}

/** `conditions` with every leaf on `fact` given `value`. */
function withLeafValue(conditions: RuleConditions, fact: string, value: number): RuleConditions {
  if ("all" in conditions) return { all: conditions.all.map((c) => withLeafValue(c, fact, value)) };
  if ("any" in conditions) return { any: conditions.any.map((c) => withLeafValue(c, fact, value)) };
  if ("not" in conditions) return { not: withLeafValue(conditions.not, fact, value) };
  return conditions.fact === fact ? { ...conditions, value } : conditions;
}

/**
 * The shipped pack with rival buying rising at another surprise line (its
 * competitorPurchases30dSurgeChance ≤ `p`, 0.1 as shipped). With `wallet`, the wallet-shift
 * rule's "twice their usual at rivals" becomes the same surprise.
 */
function surgeVariant(p: number, wallet = false): PackRule[] {
  const surge = "competitorPurchases30dSurgeChance";
  return defaultRulePack.map((r): PackRule => {
    if (r.id === "competitor-wallet-shift" && wallet) {
      const all = (r.conditions as { all: RuleConditions[] }).all;
      return { ...r, conditions: { all: [...all.slice(0, 4), { fact: surge, operator: "lessThanInclusive", value: p }] } };
    }
    return { ...r, conditions: withLeafValue(r.conditions, surge, p) };
  });
}

/** The pack before commit dbb4210: rival spend rising as a ratio (half again above its usual, or new), not as a surprise. */
function spendRatioVariant(): PackRule[] {
  const atLeast = (fact: string, other: string, factor: number): ConditionLeaf => ({ fact, operator: "greaterThanInclusive", value: { fact: other, factor } });
  const rising: RuleConditions = {
    any: [
      {
        all: [
          { fact: "competitorApps30dBaseline", operator: "equal", value: 0 },
          { not: { fact: "competitorSpend30dUsual", operator: "greaterThan", value: 0 } },
          {
            any: [
              { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 },
              { all: [{ fact: "competitorSpend30d", operator: "greaterThan", value: 0 }, atLeast("competitorSpend30d", "spend30dUsual", 0.25)] },
            ],
          },
        ],
      },
      { all: [{ fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 }, { fact: "competitorApps30d", operator: "increasedByAtLeast", value: 1 }] },
      { all: [atLeast("competitorSpend30d", "spend30dUsual", 0.25), { fact: "competitorSpend30d", operator: "greaterThan", value: { fact: "competitorSpend30dUsual", factor: 1.5 } }] },
    ],
  };
  return defaultRulePack.map((r): PackRule =>
    r.id === "competitor-shift" || r.id === "competitor-shift-confident" ? { ...r, conditions: { all: [rising, ...(r.conditions as { all: RuleConditions[] }).all.slice(1)] } } : r,
  );
}

export const packVariants: Record<string, readonly PackRule[]> = {
  shipped: defaultRulePack,
  "rival spend ratio (before dbb4210)": spendRatioVariant(),
  "rival surge 0.05": surgeVariant(0.05),
  "rival surge 0.02": surgeVariant(0.02),
  "rival surge 0.05 + wallet": surgeVariant(0.05, true),
  "ratios (before)": variant(ratios),
  "shortfall 0.1/0.05/0.1": variant(shortfalls(0.1, 0.05, 0.1)),
  "shortfall 0.2/0.1/0.2 (shipped)": variant(shortfalls(0.2, 0.1, 0.2)),
  "shortfall 0.3/0.1/0.2": variant(shortfalls(0.3, 0.1, 0.2)),
  "shortfall 0.2/0.1/0.2 + risk line": variant(shortfalls(0.2, 0.1, 0.2), true),
  "ratios + risk line": variant(ratios, true),
  "silence chance long 0.05": silenceVariant(0.05, null),
  "silence chance long 0.02": silenceVariant(0.02, null),
  "silence chance long 0.01": silenceVariant(0.01, null),
  "shipped + own silence 0.2": silenceVariant(null, 0.2),
  "shipped + own silence 0.1": silenceVariant(null, 0.1),
  "long 0.02 + own silence 0.1": silenceVariant(0.02, 0.1),
  "long 0.02 + own 0.1 + fading 0.1": silenceVariant(0.02, 0.1, 0.1),
  "long 0.05 + own silence 0.2": silenceVariant(0.05, 0.2),
  "long 0.01 + own silence 0.05": silenceVariant(0.01, 0.05),
  "shipped + own silence 0.3": silenceVariant(null, 0.3),
};
