CREATE TABLE "identity_generations" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"generation" integer NOT NULL
);
--> statement-breakpoint
DROP INDEX "refresh_requests_age_idx";--> statement-breakpoint
ALTER TABLE "refresh_requests" DROP CONSTRAINT "refresh_requests_workspace_id_customer_id_pk";--> statement-breakpoint
ALTER TABLE "refresh_requests" ADD COLUMN "id" bigserial PRIMARY KEY NOT NULL;--> statement-breakpoint
ALTER TABLE "identity_generations" ADD CONSTRAINT "identity_generations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refresh_requests_workspace_idx" ON "refresh_requests" USING btree ("workspace_id","id");