CREATE TABLE "alert_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"type" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"severity" text NOT NULL,
	"score" integer NOT NULL,
	"tier" text,
	"value_at_risk" double precision,
	"reasons" jsonb NOT NULL,
	"rule_versions" text[] NOT NULL,
	"score_id" integer NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"snoozed_until" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"cooldown_until" timestamp with time zone,
	"cooldown_days" integer NOT NULL,
	CONSTRAINT "alerts_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_tiers" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"tier" text NOT NULL,
	"tier_rank" integer NOT NULL,
	"tier_score" double precision NOT NULL,
	"parts" jsonb NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_tiers_workspace_id_customer_id_pk" PRIMARY KEY("workspace_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"alert_id" text,
	"customer_id" text,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "refresh_requests" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	CONSTRAINT "refresh_requests_workspace_id_customer_id_pk" PRIMARY KEY("workspace_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "rule_versions" (
	"workspace_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_versions_workspace_id_rule_id_version_pk" PRIMARY KEY("workspace_id","rule_id","version")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "rules_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"features_as_of" timestamp with time zone NOT NULL,
	"scored_at" timestamp with time zone NOT NULL,
	"score" integer NOT NULL,
	"rule_points" integer NOT NULL,
	"model_points" integer NOT NULL,
	"tier" text,
	"reasons" jsonb NOT NULL,
	"shadow_hits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"model" jsonb,
	"signature" text NOT NULL,
	"watermark" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tier_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"from_tier" text,
	"to_tier" text NOT NULL,
	"tier_score" double precision NOT NULL,
	"parts" jsonb NOT NULL,
	"reason" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("workspace_id","alert_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_active_key" ON "alerts" USING btree ("workspace_id","customer_id") WHERE status <> 'resolved';--> statement-breakpoint
CREATE INDEX "alerts_list_idx" ON "alerts" USING btree ("workspace_id","status","opened_at");--> statement-breakpoint
CREATE INDEX "audit_log_workspace_idx" ON "audit_log" USING btree ("workspace_id","at");--> statement-breakpoint
CREATE INDEX "customer_tiers_score_idx" ON "customer_tiers" USING btree ("workspace_id","tier_score");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_key" ON "outbox" USING btree ("workspace_id","key");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("created_at") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "refresh_requests_age_idx" ON "refresh_requests" USING btree ("requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scores_customer_asof_key" ON "scores" USING btree ("workspace_id","customer_id","features_as_of");--> statement-breakpoint
CREATE INDEX "scores_customer_time_idx" ON "scores" USING btree ("workspace_id","customer_id","scored_at");--> statement-breakpoint
CREATE INDEX "tier_history_customer_idx" ON "tier_history" USING btree ("workspace_id","customer_id","changed_at");