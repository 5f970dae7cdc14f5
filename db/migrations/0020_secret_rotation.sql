-- Secret rotation with an overlap: the secret being replaced stays valid until
-- previous_secret_expires_at, so senders and receivers can switch without a gap.
ALTER TABLE "webhook_sources" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhook_sources" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;
