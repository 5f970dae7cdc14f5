// The rules every workspace starts with. Data only: the same shape marketers send to the
// API. Amounts are in the workspace currency and sized for KRW; a workspace in another
// currency should scale them. Points add up to 100 across the pack, so a customer hitting
// every rule scores 100.
import type { ConditionLeaf } from "./conditions.ts";
import type { PackRule } from "./definition.ts";

const vip: ConditionLeaf = { fact: "tier", operator: "greaterThanInclusive", value: "Gold" };
const vipTiers: PackRule["tiers"] = ["Gold", "Platinum", "Diamond"];

export const defaultRulePack: readonly PackRule[] = [
  {
    id: "vip-competitor-defection",
    name: "VIP shopping at competitors",
    description:
      "A Gold-or-better customer uses at least 3 competitor apps and spent at least 100,000 at competitors in the last 30 days: they are comparing, and already buying elsewhere.",
    conditions: {
      all: [
        vip,
        { fact: "competitorApps30d", operator: "greaterThanInclusive", value: 3 },
        { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100_000 },
      ],
    },
    tiers: vipTiers,
    points: 30,
    severity: "high",
    cooldownDays: 14,
    actions: { campaign: "vip-competitor-winback", task: true },
    mode: "live",
  },
  {
    id: "vip-order-drop",
    name: "VIP orders halved",
    description:
      "A Gold-or-better customer ordered at most half as often in the last 30 days as usual. Only for customers who usually order at least 3 times a month: with fewer, a quiet month is too often chance (a usual 2 falls to 1 or none about 40% of the time).",
    conditions: {
      all: [
        vip,
        { fact: "orders30d", operator: "decreasedByAtLeast", value: 0.5 },
        { fact: "orders30dBaseline", operator: "greaterThanInclusive", value: 3 },
      ],
    },
    tiers: vipTiers,
    points: 20,
    severity: "medium",
    cooldownDays: 30,
    actions: { task: true },
    mode: "live",
  },
  {
    id: "vip-long-silence",
    name: "VIP silent for twice their usual interval",
    description:
      "A Gold-or-better customer has not purchased for more than twice their usual time between purchases. Needs at least 3 orders in total, so the usual interval is an average of more than one gap. Medium severity: it raises the score and alerts with other evidence; alone it also fires on seasonal buyers.",
    conditions: {
      all: [
        vip,
        { fact: "silenceRatio", operator: "greaterThan", value: 2 },
        { fact: "ordersTotal", operator: "greaterThanInclusive", value: 3 },
      ],
    },
    tiers: vipTiers,
    points: 15,
    severity: "medium",
    cooldownDays: 30,
    actions: { campaign: "vip-reactivation", task: true },
    mode: "live",
  },
  {
    id: "competitor-shift",
    name: "Spend moving to competitors",
    description:
      "Spend at competitors rose by at least half against the customer's usual while their spend with us fell by at least 30%. A customer new to competitors counts as rising, so competitor spend must also reach 30,000 in the 30 days, and usual spend with us at least 30,000, to keep small amounts from firing.",
    conditions: {
      all: [
        { fact: "competitorSpend30d", operator: "increasedByAtLeast", value: 0.5 },
        { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 30_000 },
        { fact: "spend30d", operator: "decreasedByAtLeast", value: 0.3 },
        { fact: "spend30dBaseline", operator: "greaterThanInclusive", value: 30_000 },
      ],
    },
    tiers: ["Bronze", "Silver", "Gold", "Platinum", "Diamond"],
    points: 20,
    severity: "medium",
    cooldownDays: 30,
    actions: { task: false },
    mode: "live",
  },
  {
    id: "premium-high-severity-ticket",
    name: "Platinum+ customer with a high-severity ticket",
    description:
      "A Platinum or Diamond customer opened a high- or critical-severity support ticket in the last 30 days: fix it fast, personally.",
    conditions: {
      all: [
        { fact: "tier", operator: "greaterThanInclusive", value: "Platinum" },
        { fact: "highSeverityTickets30d", operator: "greaterThanInclusive", value: 1 },
      ],
    },
    tiers: ["Platinum", "Diamond"],
    points: 15,
    severity: "critical",
    cooldownDays: 7,
    actions: { task: true },
    mode: "live",
  },
];
