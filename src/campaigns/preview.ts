// What a campaign would do for one real customer now, without writing anything: the arm, the
// message with its coupon and, for advertising in Korea, "(광고)", the opt-out route and the
// send moved out of quiet hours; or why the customer would get nothing (paused, outside the
// window or tiers, at the frequency cap, held out, opted out, at the channel's cap). The text
// is rendered in every case, so a marketer can read a paused campaign's message before
// enabling it.
import type { Deps } from "../deps.ts";
import { resolveCustomerId } from "../customers/customers.ts";
import { actionSettingsOf } from "../workspaces/settings.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { campaignView, loadCampaign } from "./campaigns.ts";
import { composeMessage, decideEnrollment, nextCouponCode } from "./enroll.ts";

export async function previewCampaign(deps: Deps, input: { workspaceId: string; campaignId: string; customerId: string; ruleId?: string }) {
  const campaign = await loadCampaign(deps, input);
  const customerId = await resolveCustomerId(deps.database.db, input.workspaceId, input.customerId);
  const settings = actionSettingsOf((await getWorkspace(deps.database.db, input.workspaceId)).settings);
  const now = deps.clock();
  return deps.database.sql.begin("read only", async (tx) => {
    const decision = await decideEnrollment(tx, { campaign, customerId, ruleId: input.ruleId ?? null, alertId: null, now, settings });
    // A pool's next free code is the one they would get; a generated code is made at enrollment.
    const pooled = (campaign.coupon?.codes ?? []).length > 0;
    const couponCode = !campaign.coupon ? null : pooled ? await nextCouponCode(tx, campaign) : `${campaign.coupon.prefix ?? "RW"}-XXXXXXXXXX`;
    const composed = await composeMessage(tx, { campaign, customerId, tier: decision.tier, now, settings, couponCode });
    return {
      campaign: campaignView(campaign),
      customerId,
      tier: decision.tier,
      outcome: decision.outcome,
      reason: "reason" in decision ? decision.reason : null,
      message: composed.message,
      coupon: composed.coupon,
      timezone: composed.timezone,
      sendAt: composed.sendAt.toISOString(),
      quietHoursDeferred: composed.sendAt > now,
    };
  });
}
