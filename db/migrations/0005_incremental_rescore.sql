ALTER TABLE "scores" RENAME COLUMN "features_as_of" TO "as_of";--> statement-breakpoint
DROP INDEX "scores_customer_asof_key";--> statement-breakpoint
ALTER TABLE "customer_features" ADD COLUMN "next_change_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "scores_customer_asof_key" ON "scores" USING btree ("workspace_id","customer_id","as_of");--> statement-breakpoint
ALTER TABLE "customer_features" DROP COLUMN "days_since_last_purchase";--> statement-breakpoint
-- Features computed before next_change_at existed are recomputed by the next daily pass.
UPDATE "customer_features" SET "next_change_at" = "as_of";