// The campaigns the default rule pack asks for, from the retention playbook the product
// comes from, plus a VIP-only coupon a marketer can point a rule at. Every workspace gets
// them when it is created, paused: nothing is sent until a marketer has read the text and
// enabled them (`PATCH /v1/campaigns/{slug}` with `{"status": "active"}`). Workspaces that
// existed before got them from migration 0015, which inserts these same rows (a test keeps
// the two equal).
import type { CampaignChannel, CampaignCoupon, CampaignTemplate } from "../../db/actions-schema.ts";
import { campaigns } from "../../db/actions-schema.ts";
import type { DbOrTx } from "../../db/client.ts";
import type { Tier } from "../../db/scoring-schema.ts";
import type { Locale } from "../../rules/index.ts";
import { newId } from "../ids.ts";

export type StarterCampaign = {
  slug: string;
  name: string;
  channel: CampaignChannel;
  template: CampaignTemplate;
  coupon: CampaignCoupon | null;
  tiers: Tier[];
  holdoutPercent: number;
  capCount: number;
  capDays: number;
  attributionDays: number;
};

export const starterCampaigns: readonly StarterCampaign[] = [
  {
    // Asked for by the default pack's vip-competitor-defection rule.
    slug: "vip-competitor-winback",
    name: "보고 싶었어요! / We missed you! (churn-prevention coupon)",
    channel: "push",
    template: {
      title: "보고 싶었어요!",
      body: "{{name}}님, 다시 만나고 싶었어요. {{coupon.value}}원 할인 쿠폰을 드려요: {{coupon.code}}",
    },
    coupon: { prefix: "MISSYOU", value: 10_000, kind: "amount", expiresInDays: 14 },
    tiers: [],
    holdoutPercent: 10,
    capCount: 1,
    capDays: 30,
    attributionDays: 14,
  },
  {
    // Asked for by the default pack's vip-long-silence rule.
    slug: "vip-reactivation",
    name: "오랜만이에요 / It's been a while (reactivation message)",
    channel: "push",
    template: {
      title: "오랜만이에요!",
      body: "{{name}}님, 요즘 뜸하셨네요. 새로 들어온 상품과 혜택을 확인해 보세요.",
    },
    coupon: null,
    tiers: [],
    holdoutPercent: 10,
    capCount: 1,
    capDays: 30,
    attributionDays: 14,
  },
  {
    slug: "vip-exclusive-coupon",
    name: "VIP 전용 쿠폰 / VIP-only coupon",
    channel: "push",
    template: {
      title: "VIP 고객님만을 위한 쿠폰",
      body: "{{name}}님께 감사의 마음을 담아 {{coupon.value}}% 할인 쿠폰을 드려요: {{coupon.code}}",
    },
    coupon: { prefix: "VIP", value: 15, kind: "percent", expiresInDays: 30 },
    tiers: ["Platinum", "Diamond"],
    holdoutPercent: 10,
    capCount: 1,
    capDays: 60,
    attributionDays: 14,
  },
];

/** Inside the caller's transaction; a slug the workspace already has is left as it is. */
export async function installStarterCampaigns(db: DbOrTx, input: { workspaceId: string; now: Date }): Promise<void> {
  await db
    .insert(campaigns)
    .values(
      starterCampaigns.map((c) => ({
        workspaceId: input.workspaceId,
        id: newId("cmp"),
        ...c,
        status: "paused" as const,
        triggerRules: [],
        advertising: true,
        createdAt: input.now,
        updatedAt: input.now,
      })),
    )
    .onConflictDoNothing();
}

/** What an alert shows for a campaign that enrolled nobody because it is paused, in the workspace's language. */
export const pausedCampaignNote = (slug: string, locale: Locale = "en") =>
  locale === "ko"
    ? `캠페인 일시 중지됨: 콘솔이나 PATCH /v1/campaigns/${slug} {"status":"active"}로 켜세요`
    : `campaign paused: enable it in the console or with PATCH /v1/campaigns/${slug} {"status":"active"}`;
