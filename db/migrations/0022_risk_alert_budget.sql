-- The learned risk model's alert line, set at fit time from the workspace's alert budget, kept with each version.
ALTER TABLE "risk_model_versions" ADD COLUMN "alert_budget_per_1k_per_week" double precision;
--> statement-breakpoint
ALTER TABLE "risk_model_versions" ADD COLUMN "alert_threshold" double precision;
--> statement-breakpoint
ALTER TABLE "risk_model_versions" ADD COLUMN "alert_expected_per_1k_per_week" double precision;
--> statement-breakpoint
-- The live version's line beside its probability, so rules read both as facts of the customer.
ALTER TABLE "customer_model_scores" ADD COLUMN "risk_alert_threshold" double precision;
