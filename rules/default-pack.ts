// The rules every workspace starts with. Data only: the same shape marketers send to the
// API. Amounts are in the workspace currency and sized for KRW; a workspace in another
// currency should scale them (most thresholds are shares of the customer's own spend, which
// need no scaling). The score is capped at 100, so a customer hitting many rules stays on it.
//
// How the pack decides: no single weak signal alerts. Every rule but two is of medium
// severity and adds points; an alert opens when the score (points + the model's part) reaches
// the workspace's alertThreshold (50), which takes two or more independent kinds of evidence:
// a shift to rivals, silence against the customer's own gaps, fewer orders, fewer sessions, a
// bad support experience, the model. Four principles:
//
// - Against the customer's own usual, measured over the time we have known them
//   (`orders30dUsual`, `spend30dUsual`, `sessions30dUsual`): a baseline over months before a
//   customer arrived would make everybody's usual look small, and the first purchase only says
//   when they arrived, so it is left out of their rate.
// - A fall is a surprise, not a ratio: `orders30dShortfallChance` / `sessions30dShortfallChance`
//   are the chance of a month this thin at the customer's own usual rate (gamma-Poisson, so a
//   rate known from a short history surprises less). One 30-day window against a ratio fires on
//   ordinary months of customers who buy a few times a month; a 1-in-5 (or 1-in-10) shortfall
//   does not, while a real fall from a high rate still shows.
// - Competitor evidence counts as a shift, never as presence: rival use or buying new or rising
//   against the customer's own usual (a rise judged as a surprise too: rival purchases more
//   frequent than a 1-in-10 chance at their own usual rival rate) AND their own buying or
//   visiting falling; or rivals taking a
//   larger share of their wallet than usual while they spend less with us. A customer who
//   compares prices at rivals and keeps buying scores nothing for it.
// - Early, while the customer is still with us: the shift rules look at the 30 days in which
//   the move shows, and stop once the customer has been silent for more than twice their usual
//   longest gap (they have gone; silence rules speak for them). An alert that was handled stays
//   quiet for 60 days unless a stronger sign comes.
//
// Chosen with the quality benchmark over three seeds (brands), two more held out (README,
// detection quality).
import type { ConditionLeaf, RuleConditions } from "./conditions.ts";
import type { PackRule } from "./definition.ts";

const vip: ConditionLeaf = { fact: "tier", operator: "greaterThanInclusive", value: "Gold" };
const vipTiers: PackRule["tiers"] = ["Gold", "Platinum", "Diamond"];
const allTiers: PackRule["tiers"] = ["Bronze", "Silver", "Gold", "Platinum", "Diamond"];

/** A medium-severity live rule for every tier that opens a task, quiet 60 days after an alert. */
const anyTierTask = { tiers: allTiers, severity: "medium", cooldownDays: 60, actions: { task: true }, mode: "live" } as const satisfies Partial<PackRule>;

/** `fact` at most `factor` × the customer's own usual (`usual`). */
const atMost = (fact: string, usual: string, factor: number): ConditionLeaf => ({ fact, operator: "lessThanInclusive", value: { fact: usual, factor } });
/** `fact` at least `factor` × another fact. */
const atLeast = (fact: string, other: string, factor: number): ConditionLeaf => ({ fact, operator: "greaterThanInclusive", value: { fact: other, factor } });

/** At most a 1-in-10 chance that a customer buying at rivals as usual would buy there this often in 30 days. */
const RIVAL_SURGE_CHANCE = 0.1;

/**
 * Rival use or buying that matters, new or rising: 2+ rival apps from none before, or rival
 * apps doubling to 2+; or rival purchases more frequent than chance explains at the
 * customer's own usual rival rate (`competitorPurchases30dSurgeChance`, a 1-in-10 rise), worth
 * at least a quarter of what they usually spend with us. A rise is a surprise, not a ratio, as
 * a fall is: the one rival purchase that a customer who compares prices makes every month or
 * two passes "half again above their usual spend there" often, and this test rarely.
 */
const rivalRising: RuleConditions = {
  any: [
    {
      all: [
        { fact: "competitorApps30dBaseline", operator: "equal", value: 0 },
        { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 },
      ],
    },
    {
      all: [
        { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 },
        { fact: "competitorApps30d", operator: "increasedByAtLeast", value: 1 },
      ],
    },
    {
      all: [
        atLeast("competitorSpend30d", "spend30dUsual", 0.25),
        { fact: "competitorPurchases30dSurgeChance", operator: "lessThanInclusive", value: RIVAL_SURGE_CHANCE },
      ],
    },
  ],
};

/** At most `chance` that a customer going on as usual would order (or visit) this little in 30 days. */
const fewer = (fact: "orders30dShortfallChance" | "sessions30dShortfallChance", chance: number): ConditionLeaf => ({ fact, operator: "lessThanInclusive", value: chance });
/** Own buying or visiting fell beyond what chance explains: a 1-in-5 shortfall against their own usual rate. */
const OWN_FALLING_CHANCE = 0.2;
const ownFalling: RuleConditions = { any: [fewer("orders30dShortfallChance", OWN_FALLING_CHANCE), fewer("sessions30dShortfallChance", OWN_FALLING_CHANCE)] };


/** Not yet gone: silent for at most twice their usual longest gap (or too few purchases to say). */
const stillBuying: RuleConditions = { not: { fact: "gapSilenceRatio", operator: "greaterThan", value: 2 } };

// Names in Korean and English, as the starter campaigns' are: the rule list, the inbox's
// reasons and managers' tasks show them to Korean marketers; descriptions are English.
export const defaultRulePack: readonly PackRule[] = [
  {
    id: "vip-competitor-defection",
    name: "경쟁사로 옮겨 가는 VIP / VIP moving to competitors",
    description:
      "A Gold-or-better customer uses at least 3 competitor apps and spent at least 100,000 at competitors in the last 30 days, more than they usually do there, while their own buying fell or half their spend went to rivals. Strong enough to alert alone; a VIP who compares at rivals and keeps buying with us does not match.",
    conditions: {
      all: [
        vip,
        { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 3 },
        { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100_000 },
        { fact: "competitorSpend30d", operator: "increasedByAtLeast", value: 0.5 },
        {
          any: [
            { fact: "spend30d", operator: "decreasedByAtLeast", value: 0.5 },
            { fact: "orders30d", operator: "decreasedByAtLeast", value: 0.5 },
            { fact: "sessions30d", operator: "decreasedByAtLeast", value: 0.5 },
            { fact: "competitorShareOfWallet30d", operator: "greaterThanInclusive", value: 0.5 },
          ],
        },
      ],
    },
    tiers: vipTiers,
    points: 5,
    severity: "high",
    cooldownDays: 14,
    actions: { campaign: "vip-competitor-winback", task: true },
    mode: "live",
  },
  {
    id: "competitor-shift",
    name: "경쟁사로 옮겨 가는 중 / Shifting to competitors",
    description:
      "Rival use or buying is new or rising against the customer's own usual (2+ rival apps new or doubled, or more rival purchases than a 1-in-10 chance at their usual rival rate, worth at least a quarter of what they usually spend with us) while their own orders or sessions fell further than chance explains (at most a 1-in-5 chance at their usual rate), and they still buy from us. A customer who compares prices at rivals as they always have, or whose month dips as months do, does not match.",
    conditions: { all: [rivalRising, ownFalling, stillBuying] },
    points: 25,
    ...anyTierTask,
  },
  {
    id: "competitor-shift-confident",
    name: "경쟁사로 이동 (신뢰도 높은 증거) / Shift to competitors, confidently reported",
    description:
      "As competitor-shift, with the providers at least 80% sure of the competitor evidence of the last 30 days: evidence weighs by its confidence.",
    conditions: { all: [rivalRising, ownFalling, stillBuying, { fact: "competitorConfidence30d", operator: "greaterThanInclusive", value: 0.8 }] },
    tiers: allTiers,
    points: 5,
    severity: "medium",
    cooldownDays: 60,
    actions: { task: false },
    mode: "live",
  },
  {
    id: "competitor-wallet-shift",
    name: "지출이 경쟁사로 이동 / Wallet moving to competitors",
    description:
      "Rivals took at least 25 points more of the customer's wallet in the last 30 days than they usually do, with rival spend of at least a third of what the customer usually spends with us and twice their usual at rivals, while their own spend fell to 80% of their usual or less. Share of wallet, not mere presence: a customer who splits their spend as they always have scores nothing.",
    conditions: {
      all: [
        stillBuying,
        atMost("spend30d", "spend30dUsual", 0.8),
        { fact: "competitorShareOfWalletShift30d", operator: "greaterThanInclusive", value: 0.25 },
        atLeast("competitorSpend30d", "spend30dUsual", 0.33),
        { fact: "competitorSpend30d", operator: "greaterThan", value: { fact: "competitorSpend30dUsual", factor: 2 } },
      ],
    },
    tiers: allTiers,
    points: 20,
    severity: "medium",
    cooldownDays: 60,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-long-silence",
    name: "평소 최장 구매 간격을 넘긴 VIP / VIP silent beyond their usual longest gap",
    description:
      "A Gold-or-better customer has gone without buying a quarter longer than the longest gap usual for them (the 90th percentile of their own gaps, shrunk toward the workspace's for customers with few). Judged against their own gaps, so a seasonal buyer's regular gap between seasons is not silence. Needs at least 4 gaps of their own (as many as the shrinkage weighs the workspace's spread): with fewer, their usual longest gap is mostly a guess. Not when the silence is the brand's off-season: a customer whose weeks follow the workspace's busy and quiet weeks (seasonal Bayes factor of at least 3, substantial evidence) is between seasons; an unknown factor (no calendar yet) leaves the rule as it was.",
    conditions: {
      all: [
        vip,
        { fact: "gapSilenceRatio", operator: "greaterThan", value: 1.25 },
        { fact: "purchaseGaps", operator: "greaterThanInclusive", value: 4 },
        { not: { fact: "seasonalSilenceBayesFactor", operator: "greaterThanInclusive", value: 3 } },
      ],
    },
    tiers: vipTiers,
    points: 20,
    severity: "medium",
    cooldownDays: 60,
    actions: { campaign: "vip-reactivation", task: true },
    mode: "live",
  },
  {
    id: "vip-order-drop",
    name: "구매가 줄어든 VIP / VIP buying less",
    description:
      "A Gold-or-better customer who usually orders at least twice a month (since they became a customer) ordered so little in the last 30 days that going on as usual they would have done so at most 1 time in 10. A count, weighed by its noise: 1 order against a usual 2 is an ordinary month, 1 against a usual 5 is not.",
    conditions: {
      all: [vip, { fact: "orders30dUsual", operator: "greaterThanInclusive", value: 2 }, fewer("orders30dShortfallChance", 0.1)],
    },
    tiers: vipTiers,
    points: 15,
    severity: "medium",
    cooldownDays: 60,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-fading",
    name: "모든 면에서 멀어지는 VIP / VIP fading on every count",
    description:
      "A Gold-or-better customer who usually orders at least twice a month ordered and visited less than chance explains (each at most a 1-in-5 chance at their usual rate) and spent at most half their usual in the last 30 days: all three at once, as a customer slipping away does, competitor evidence or not. With vip-order-drop and vip-long-silence it needs the model's agreement to alert: signs of one's own buying alone are the same evidence counted thrice.",
    conditions: {
      all: [
        vip,
        { fact: "orders30dUsual", operator: "greaterThanInclusive", value: 2 },
        fewer("orders30dShortfallChance", 0.2),
        fewer("sessions30dShortfallChance", 0.2),
        atMost("spend30d", "spend30dUsual", 0.5),
      ],
    },
    tiers: vipTiers,
    points: 10,
    severity: "medium",
    cooldownDays: 60,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-bad-support",
    name: "상담 경험이 나빴던 VIP / VIP with a bad support experience",
    description:
      "A Gold-or-better customer filed a high- or critical-severity ticket and a ticket with negative sentiment in the last 30 days: fix it fast, personally. Alerts with any other sign of leaving.",
    conditions: {
      all: [
        vip,
        { fact: "highSeverityTickets30d", operator: "greaterThanInclusive", value: 1 },
        { fact: "negativeTickets30d", operator: "greaterThanInclusive", value: 1 },
      ],
    },
    tiers: vipTiers,
    points: 15,
    severity: "medium",
    cooldownDays: 7,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-repeated-bad-support",
    name: "다시 불만을 제기한 VIP / VIP complaining again",
    description:
      "A Gold-or-better customer filed a high- or critical-severity ticket and at least two tickets with negative sentiment in the last 30 days: a complaint that came back is an escalation, and customers leave within weeks of one. Strong enough to alert alone.",
    conditions: {
      all: [
        vip,
        { fact: "highSeverityTickets30d", operator: "greaterThanInclusive", value: 1 },
        { fact: "negativeTickets30d", operator: "greaterThanInclusive", value: 2 },
      ],
    },
    tiers: vipTiers,
    points: 5,
    severity: "high",
    cooldownDays: 30,
    actions: { task: true },
    mode: "live",
  },
];
