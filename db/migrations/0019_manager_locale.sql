-- The language of a manager's digest; null: the workspace's locale (else English).
ALTER TABLE "managers" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "managers" ADD CONSTRAINT "managers_locale_check" CHECK ("locale" in ('ko', 'en'));
