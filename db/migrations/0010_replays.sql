-- Replays (src/replay): scratch workspaces the live scheduler, sweeps and outbox leave alone,
-- the replay rows of the workspace that asked, and the alerts each replay raised.
ALTER TABLE "workspaces" ADD COLUMN "scratch" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
CREATE TABLE "replays" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text NOT NULL,
	"request" jsonb NOT NULL,
	"scratch_workspace_id" text,
	"progress" jsonb,
	"summary" jsonb,
	"error" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "replays_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE INDEX "replays_created_idx" ON "replays" USING btree ("workspace_id","created_at");
--> statement-breakpoint
CREATE TABLE "replay_alerts" (
	"workspace_id" text NOT NULL,
	"replay_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"severity" text NOT NULL,
	"score" integer NOT NULL,
	"tier" text,
	"rules" text[] NOT NULL,
	"reasons" jsonb NOT NULL,
	CONSTRAINT "replay_alerts_workspace_id_replay_id_alert_id_pk" PRIMARY KEY("workspace_id","replay_id","alert_id")
);
--> statement-breakpoint
CREATE INDEX "replay_alerts_opened_idx" ON "replay_alerts" USING btree ("workspace_id","replay_id","opened_at");
