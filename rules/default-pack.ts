// The rules every workspace starts with. Data only: the same shape marketers send to the
// API. Amounts are in the workspace currency and sized for KRW; a workspace in another
// currency should scale them. Points add up to 100 across the pack, so a customer hitting
// every rule scores 100.
//
// How the pack decides: no single weak signal alerts. Every rule but one is of medium
// severity and adds points; an alert opens when the score (points + the model's part) reaches
// the workspace's alertThreshold (50), which takes two or more independent kinds of evidence:
// a shift to rivals, silence against the customer's own gaps, fewer orders, fewer sessions, a
// bad support experience. Competitor evidence counts only as a shift: rival use or spend
// rising against the customer's own baseline AND their own spend, orders or sessions falling
// against theirs, so a loyal customer who compares prices at rivals and keeps buying never
// scores for it; confident evidence adds more. Chosen by the quality benchmark over several
// seeds (brands) and panel coverages, with one seed held out (README, detection quality).
import type { ConditionLeaf, RuleConditions } from "./conditions.ts";
import type { PackRule } from "./definition.ts";

const vip: ConditionLeaf = { fact: "tier", operator: "greaterThanInclusive", value: "Gold" };
const vipTiers: PackRule["tiers"] = ["Gold", "Platinum", "Diamond"];

/** Rival spend (by half, to 30,000+) or rival apps (doubled, to 2+) rising against the customer's own baseline. */
const rivalRising: RuleConditions = {
  any: [
    {
      all: [
        { fact: "competitorSpend30d", operator: "increasedByAtLeast", value: 0.5 },
        { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 30_000 },
      ],
    },
    {
      all: [
        { fact: "competitorApps30d", operator: "increasedByAtLeast", value: 1 },
        { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 },
      ],
    },
  ],
};

/** Own buying or visiting falling against the customer's own baseline, or most of their last 30 days' spend gone to rivals. */
const ownFallingOrMoved: RuleConditions = {
  any: [
    { fact: "spend30d", operator: "decreasedByAtLeast", value: 0.5 },
    { fact: "orders30d", operator: "decreasedByAtLeast", value: 0.5 },
    { fact: "sessions30d", operator: "decreasedByAtLeast", value: 0.5 },
    { fact: "competitorShareOfWallet30d", operator: "greaterThanInclusive", value: 0.5 },
  ],
};

/** The same, for customers of any tier who usually spend at least 30,000 a month with us (small amounts say little). */
const ownFalling: RuleConditions = {
  all: [{ fact: "spend30dBaseline", operator: "greaterThanInclusive", value: 30_000 }, ownFallingOrMoved],
};

export const defaultRulePack: readonly PackRule[] = [
  {
    id: "vip-competitor-defection",
    name: "VIP moving to competitors",
    description:
      "A Gold-or-better customer uses at least 3 competitor apps and spent at least 100,000 at competitors in the last 30 days, more than they usually do there, while their own buying fell or half their spend went to rivals. Strong enough to alert alone; a VIP who compares at rivals and keeps buying with us does not match.",
    conditions: {
      all: [
        vip,
        { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 3 },
        { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100_000 },
        { fact: "competitorSpend30d", operator: "increasedByAtLeast", value: 0.5 },
        ownFallingOrMoved,
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
    name: "Shifting to competitors",
    description:
      "Spend at or use of rival apps rose against the customer's own usual (by half, to at least 30,000 or 2 apps) while their own spend, orders or sessions fell against theirs or half their spend went to rivals. A customer who compares prices at rivals as they always have, or keeps buying as before, does not match.",
    conditions: { all: [rivalRising, ownFalling] },
    tiers: ["Bronze", "Silver", "Gold", "Platinum", "Diamond"],
    points: 25,
    severity: "medium",
    cooldownDays: 14,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "competitor-shift-confident",
    name: "Shift to competitors, confidently reported",
    description:
      "As competitor-shift, with the providers at least 80% sure of the competitor evidence of the last 30 days: evidence weighs by its confidence.",
    conditions: { all: [rivalRising, ownFalling, { fact: "competitorConfidence30d", operator: "greaterThanInclusive", value: 0.8 }] },
    tiers: ["Bronze", "Silver", "Gold", "Platinum", "Diamond"],
    points: 5,
    severity: "medium",
    cooldownDays: 14,
    actions: { task: false },
    mode: "live",
  },
  {
    id: "vip-long-silence",
    name: "VIP silent beyond their usual longest gap",
    description:
      "A Gold-or-better customer has gone without buying a quarter longer than the longest gap usual for them (the 90th percentile of their own gaps, shrunk toward the workspace's for customers with few). Judged against their own gaps, so a seasonal buyer's regular gap between seasons is not silence. Needs at least 2 gaps.",
    conditions: {
      all: [
        vip,
        { fact: "gapSilenceRatio", operator: "greaterThan", value: 1.25 },
        { fact: "purchaseGaps", operator: "greaterThanInclusive", value: 2 },
      ],
    },
    tiers: vipTiers,
    points: 20,
    severity: "medium",
    cooldownDays: 30,
    actions: { campaign: "vip-reactivation", task: true },
    mode: "live",
  },
  {
    id: "vip-order-drop",
    name: "VIP buying or visiting less",
    description:
      "A Gold-or-better customer who usually orders at least twice a month ordered at most half as often in the last 30 days, spent at most half their usual, or had at most half their usual sessions.",
    conditions: {
      all: [
        vip,
        { fact: "orders30dBaseline", operator: "greaterThanInclusive", value: 2 },
        {
          any: [
            { fact: "orders30d", operator: "decreasedByAtLeast", value: 0.5 },
            { fact: "spend30d", operator: "decreasedByAtLeast", value: 0.5 },
            { fact: "sessions30d", operator: "decreasedByAtLeast", value: 0.5 },
          ],
        },
      ],
    },
    tiers: vipTiers,
    points: 15,
    severity: "medium",
    cooldownDays: 30,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-fading",
    name: "VIP fading on every count",
    description:
      "A Gold-or-better customer who usually orders at least twice a month ordered, spent and visited at most half their usual in the last 30 days: all three at once, as a customer slipping away does, competitor evidence or not. Adds to vip-order-drop.",
    conditions: {
      all: [
        vip,
        { fact: "orders30dBaseline", operator: "greaterThanInclusive", value: 2 },
        { fact: "orders30d", operator: "decreasedByAtLeast", value: 0.5 },
        { fact: "spend30d", operator: "decreasedByAtLeast", value: 0.5 },
        { fact: "sessions30d", operator: "decreasedByAtLeast", value: 0.5 },
      ],
    },
    tiers: vipTiers,
    points: 15,
    severity: "medium",
    cooldownDays: 30,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-bad-support",
    name: "VIP with a bad support experience",
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
];
