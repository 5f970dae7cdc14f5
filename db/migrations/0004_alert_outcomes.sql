ALTER TABLE "alerts" ADD COLUMN "holdout" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "label" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "labeled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "labeled_by" text;