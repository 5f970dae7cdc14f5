CREATE TABLE "campaigns" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"template" jsonb NOT NULL,
	"coupon" jsonb,
	"trigger_rules" text[] NOT NULL,
	"tiers" text[] NOT NULL,
	"holdout_percent" double precision NOT NULL,
	"cap_count" integer NOT NULL,
	"cap_days" integer NOT NULL,
	"attribution_days" integer NOT NULL,
	"advertising" boolean NOT NULL,
	"active_from" timestamp with time zone,
	"active_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "campaigns_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "channel_opt_outs" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"channel" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_opt_outs_workspace_id_customer_id_channel_pk" PRIMARY KEY("workspace_id","customer_id","channel")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"outbox_id" bigint NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_type" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"series_attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_response_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "deliveries_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"response_code" integer,
	"latency_ms" double precision NOT NULL,
	"error" text,
	"response_body" text
);
--> statement-breakpoint
CREATE TABLE "digests" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"manager_id" text NOT NULL,
	"period" text NOT NULL,
	"content" jsonb NOT NULL,
	"text" text NOT NULL,
	"html" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"emailed_at" timestamp with time zone,
	CONSTRAINT "digests_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"alert_id" text,
	"rule_id" text,
	"arm" text NOT NULL,
	"status" text NOT NULL,
	"suppressed_reason" text,
	"message" jsonb,
	"coupon_code" text,
	"enrolled_at" timestamp with time zone NOT NULL,
	"send_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	CONSTRAINT "enrollments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "managers" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"timezone" text NOT NULL,
	"digest" jsonb NOT NULL,
	"capacity" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "managers_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"alert_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"manager_id" text,
	"assignment" text NOT NULL,
	"rule_id" text,
	"status" text NOT NULL,
	"outcome" text,
	"dismiss_reason" text,
	"severity" text NOT NULL,
	"tier" text,
	"value_at_risk" double precision,
	"why" jsonb NOT NULL,
	"play" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "tasks_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"event_types" text[] NOT NULL,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_endpoints_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_slug_key" ON "campaigns" USING btree ("workspace_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_outbox_endpoint_key" ON "deliveries" USING btree ("workspace_id","outbox_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "deliveries_list_idx" ON "deliveries" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "delivery_attempts_key" ON "delivery_attempts" USING btree ("workspace_id","delivery_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "digests_period_key" ON "digests" USING btree ("workspace_id","manager_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollments_alert_key" ON "enrollments" USING btree ("workspace_id","campaign_id","alert_id");--> statement-breakpoint
CREATE INDEX "enrollments_customer_idx" ON "enrollments" USING btree ("workspace_id","customer_id","enrolled_at");--> statement-breakpoint
CREATE INDEX "enrollments_due_idx" ON "enrollments" USING btree ("send_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_alert_key" ON "tasks" USING btree ("workspace_id","alert_id");--> statement-breakpoint
CREATE INDEX "tasks_manager_idx" ON "tasks" USING btree ("workspace_id","manager_id","status");--> statement-breakpoint
CREATE INDEX "tasks_due_idx" ON "tasks" USING btree ("due_at") WHERE status in ('open', 'in_progress') and escalated_at is null;