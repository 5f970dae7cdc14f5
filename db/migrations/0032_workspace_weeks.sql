-- Seasonal silence (issue 12): each customer's purchase weeks, and the workspace's calendar
-- of distinct buyers per week counted from them by the daily pass. A nullable column without
-- a default: adding it rewrites nothing. Every buyer's features are made due, so the next
-- daily pass computes their weeks (as a first pass would), not only those a window edge reaches.
ALTER TABLE "customer_features" ADD COLUMN "purchase_weeks" date[];--> statement-breakpoint
UPDATE "customer_features" SET "next_change_at" = "as_of" WHERE "last_purchase_at" IS NOT NULL;--> statement-breakpoint
CREATE TABLE "workspace_weeks" (
	"workspace_id" text NOT NULL,
	"week" date NOT NULL,
	"buyers" integer NOT NULL,
	CONSTRAINT "workspace_weeks_workspace_id_week_pk" PRIMARY KEY("workspace_id","week")
);--> statement-breakpoint
ALTER TABLE "workspace_weeks" ADD CONSTRAINT "workspace_weeks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
