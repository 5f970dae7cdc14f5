CREATE TABLE "customer_model_scores" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"fit_id" text NOT NULL,
	"scored_at" timestamp with time zone NOT NULL,
	"x" integer NOT NULL,
	"t_x" double precision NOT NULL,
	"t" double precision NOT NULL,
	"zbar" double precision NOT NULL,
	"p_alive" double precision NOT NULL,
	"expected_purchases_90d" double precision NOT NULL,
	"churn_probability" double precision NOT NULL,
	"expected_order_value" double precision,
	"clv" double precision,
	"value_at_risk" double precision,
	CONSTRAINT "customer_model_scores_workspace_id_customer_id_pk" PRIMARY KEY("workspace_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "model_fits" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"period" date NOT NULL,
	"status" text NOT NULL,
	"message" text,
	"error" text,
	"fitted_at" timestamp with time zone NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"horizon_days" integer NOT NULL,
	"clv_months" integer NOT NULL,
	"monthly_discount_rate" double precision NOT NULL,
	"penalizer" double precision NOT NULL,
	"min_customers" integer NOT NULL,
	"min_repeat_customers" integer NOT NULL,
	"customers" integer NOT NULL,
	"customers_with_repeat" integer NOT NULL,
	"customers_scored" integer DEFAULT 0 NOT NULL,
	"r" double precision,
	"alpha" double precision,
	"a" double precision,
	"b" double precision,
	"log_likelihood" double precision,
	"iterations" integer,
	"converged" boolean,
	"p" double precision,
	"q" double precision,
	"gamma" double precision,
	"gamma_gamma_log_likelihood" double precision,
	"fit_ms" double precision,
	"run_ms" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_fits_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "model_fits" ADD CONSTRAINT "model_fits_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "model_fits_period_key" ON "model_fits" USING btree ("workspace_id","period");--> statement-breakpoint
CREATE INDEX "model_fits_latest_idx" ON "model_fits" USING btree ("workspace_id","status","fitted_at");