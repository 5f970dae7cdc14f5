CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "competitors" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"apps" text[] DEFAULT '{}'::text[] NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"auto_registered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "competitors_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_features" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"watermark" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"spend_30d" double precision NOT NULL,
	"spend_90d" double precision NOT NULL,
	"spend_180d" double precision NOT NULL,
	"orders_30d" integer NOT NULL,
	"orders_90d" integer NOT NULL,
	"orders_180d" integer NOT NULL,
	"aov_30d" double precision,
	"aov_90d" double precision,
	"aov_180d" double precision,
	"refunds_90d" double precision NOT NULL,
	"orders_total" integer NOT NULL,
	"spend_total" double precision NOT NULL,
	"first_purchase_at" timestamp with time zone,
	"last_purchase_at" timestamp with time zone,
	"days_since_last_purchase" double precision,
	"purchase_interval_days" double precision,
	"sessions_7d" integer NOT NULL,
	"sessions_30d" integer NOT NULL,
	"active_days_7d" integer NOT NULL,
	"active_days_30d" integer NOT NULL,
	"category_repeat_max_180d" integer NOT NULL,
	"top_category_180d" text,
	"competitor_apps_30d" integer NOT NULL,
	"competitor_apps_90d" integer NOT NULL,
	"competitor_app_names_30d" text[] NOT NULL,
	"competitor_names_30d" text[] NOT NULL,
	"competitor_spend_30d" double precision NOT NULL,
	"competitor_spend_90d" double precision NOT NULL,
	"competitor_minutes_30d" double precision NOT NULL,
	"support_tickets_30d" integer NOT NULL,
	"high_severity_tickets_30d" integer NOT NULL,
	"negative_tickets_30d" integer NOT NULL,
	"campaign_clicks_30d" integer NOT NULL,
	"unsubscribed" boolean NOT NULL,
	"spend_30d_baseline" double precision NOT NULL,
	"orders_30d_baseline" double precision NOT NULL,
	"sessions_30d_baseline" double precision NOT NULL,
	"competitor_spend_30d_baseline" double precision NOT NULL,
	"competitor_apps_30d_baseline" double precision NOT NULL,
	"spend_30d_change" double precision,
	"orders_30d_change" double precision,
	"sessions_30d_change" double precision,
	"competitor_spend_30d_change" double precision,
	CONSTRAINT "customer_features_workspace_id_customer_id_pk" PRIMARY KEY("workspace_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customer_identities" (
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"customer_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_identities_workspace_id_kind_value_pk" PRIMARY KEY("workspace_id","kind","value")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text,
	"email" text,
	"manager_id" text,
	"timezone" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"merged_into" text,
	"last_signal_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"customer_id" text NOT NULL,
	"identity_kind" text NOT NULL,
	"identity_value" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"amount" double precision,
	"competitor" text,
	"source" text,
	"confidence" double precision,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"consent_basis" text,
	"data" jsonb NOT NULL,
	CONSTRAINT "signals_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_sources" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "webhook_sources_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"settings" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competitors" ADD CONSTRAINT "competitors_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_sources" ADD CONSTRAINT "webhook_sources_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_workspace_idx" ON "api_keys" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "customer_identities_customer_idx" ON "customer_identities" USING btree ("workspace_id","customer_id");--> statement-breakpoint
CREATE INDEX "signals_customer_time_idx" ON "signals" USING btree ("workspace_id","customer_id","occurred_at");