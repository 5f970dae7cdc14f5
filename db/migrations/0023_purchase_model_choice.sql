-- The workspace fit chooses between BG/NBD and Pareto/NBD by holdout log-likelihood: which one
-- it chose, Pareto/NBD's dropout parameters (r and alpha are shared), and the choice's record
-- (both candidates' holdout log-likelihoods, the reason, the churn recalibration).
ALTER TABLE "model_fits" ADD COLUMN "purchase_model" text DEFAULT 'bgnbd' NOT NULL;--> statement-breakpoint
ALTER TABLE "model_fits" ADD COLUMN "s" double precision;--> statement-breakpoint
ALTER TABLE "model_fits" ADD COLUMN "beta" double precision;--> statement-breakpoint
ALTER TABLE "model_fits" ADD COLUMN "model_choice" jsonb;
