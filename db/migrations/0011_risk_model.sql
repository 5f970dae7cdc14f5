CREATE TABLE "risk_model_versions" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"message" text,
	"fit_id" text,
	"fitted_at" timestamp with time zone NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"horizon_days" integer NOT NULL,
	"params" jsonb,
	"report" jsonb,
	"auc" double precision,
	"purchase_model_auc" double precision,
	"fit_ms" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_model_versions_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "risk_model_versions" ADD CONSTRAINT "risk_model_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "risk_model_versions_version_key" ON "risk_model_versions" USING btree ("workspace_id","version");
--> statement-breakpoint
CREATE INDEX "risk_model_versions_status_idx" ON "risk_model_versions" USING btree ("workspace_id","status");
--> statement-breakpoint
-- The live learned model's calibrated probability and its version; null while the purchase model scores.
ALTER TABLE "customer_model_scores" ADD COLUMN "risk_probability" double precision;
--> statement-breakpoint
ALTER TABLE "customer_model_scores" ADD COLUMN "risk_version_id" text;
