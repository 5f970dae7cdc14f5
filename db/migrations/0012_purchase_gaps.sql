-- Silence judged against the customer's own gaps between purchases (seasonality-aware
-- silence): how many gaps, their 90th percentile, and the usual longest gap shrunk toward the
-- workspace's for customers with few gaps. Filled by the features statement.
ALTER TABLE "customer_features" ADD COLUMN "purchase_gaps" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_features" ADD COLUMN "purchase_gap_p90_days" double precision;--> statement-breakpoint
ALTER TABLE "customer_features" ADD COLUMN "usual_max_gap_days" double precision;--> statement-breakpoint
-- The providers' mean confidence in the competitor evidence of the last 30 days, so rules can
-- weigh evidence by it.
ALTER TABLE "customer_features" ADD COLUMN "competitor_confidence_30d" double precision;
