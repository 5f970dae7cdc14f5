-- Counted competitor purchases in the last 30 days and per 30 days over days 31-210, so a rise
-- in rival buying is judged as a surprise against the customer's own usual count
-- (competitorPurchases30dSurgeChance), as a fall in their own buying is. Rows computed before
-- this migration read 0 until the customer's features are next recomputed.
ALTER TABLE "customer_features" ADD COLUMN "competitor_purchases_30d" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_features" ADD COLUMN "competitor_purchases_30d_baseline" double precision DEFAULT 0 NOT NULL;
