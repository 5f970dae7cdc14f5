ALTER TABLE "campaigns" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_status_check" CHECK ("status" in ('active', 'paused'));--> statement-breakpoint
CREATE INDEX "outbox_campaign_enroll_idx" ON "outbox" USING btree ("workspace_id","alert_id") WHERE kind = 'campaign.enroll';--> statement-breakpoint
-- Workspaces created before starter campaigns existed get them here, paused, as new ones do
-- in createWorkspace (src/campaigns/starter-campaigns.ts holds the same rows).
INSERT INTO "campaigns" ("workspace_id", "id", "slug", "name", "channel", "status", "template", "coupon", "trigger_rules", "tiers",
  "holdout_percent", "cap_count", "cap_days", "attribution_days", "advertising", "created_at", "updated_at")
SELECT w.id, 'cmp_' || substr(md5(w.id || s.slug), 1, 26), s.slug, s.name, s.channel, 'paused', s.template, s.coupon, '{}'::text[], s.tiers,
  s.holdout_percent, s.cap_count, s.cap_days, s.attribution_days, true, now(), now()
FROM "workspaces" w CROSS JOIN (VALUES
  ('vip-competitor-winback', '보고 싶었어요! / We missed you! (churn-prevention coupon)', 'push', '{"title":"보고 싶었어요!","body":"{{name}}님, 다시 만나고 싶었어요. {{coupon.value}}원 할인 쿠폰을 드려요: {{coupon.code}}"}'::jsonb, '{"prefix":"MISSYOU","value":10000,"kind":"amount","expiresInDays":14}'::jsonb, array[]::text[], 10, 1, 30, 14),
  ('vip-reactivation', '오랜만이에요 / It''s been a while (reactivation message)', 'push', '{"title":"오랜만이에요!","body":"{{name}}님, 요즘 뜸하셨네요. 새로 들어온 상품과 혜택을 확인해 보세요."}'::jsonb, null::jsonb, array[]::text[], 10, 1, 30, 14),
  ('vip-exclusive-coupon', 'VIP 전용 쿠폰 / VIP-only coupon', 'push', '{"title":"VIP 고객님만을 위한 쿠폰","body":"{{name}}님께 감사의 마음을 담아 {{coupon.value}}% 할인 쿠폰을 드려요: {{coupon.code}}"}'::jsonb, '{"prefix":"VIP","value":15,"kind":"percent","expiresInDays":30}'::jsonb, array['Platinum', 'Diamond']::text[], 10, 1, 60, 14)
) AS s(slug, name, channel, template, coupon, tiers, holdout_percent, cap_count, cap_days, attribution_days)
ON CONFLICT ("workspace_id", "slug") DO NOTHING;
