DROP INDEX "refresh_requests_age_idx";--> statement-breakpoint
ALTER TABLE "refresh_requests" DROP CONSTRAINT "refresh_requests_workspace_id_customer_id_pk";--> statement-breakpoint
ALTER TABLE "refresh_requests" ADD COLUMN "id" bigserial PRIMARY KEY NOT NULL;--> statement-breakpoint
CREATE INDEX "refresh_requests_workspace_idx" ON "refresh_requests" USING btree ("workspace_id","id");