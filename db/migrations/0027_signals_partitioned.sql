-- Signals partitioned by month of occurred_at (issue 16; docs/scaling.md). A partitioned
-- table's unique keys must contain the partition key, so signals' key becomes
-- (workspace_id, id, occurred_at) and the idempotency key (workspace_id, id) moves to the
-- unpartitioned ledger signal_ids, whose insert (on conflict do nothing) decides whether a
-- signal is new. Every row is copied under its id: the old table is renamed, the new one
-- filled in one pass (indexes built afterwards, which is faster than row by row), the ledger
-- filled from it, and the old table dropped, all in the migration's one transaction.
ALTER TABLE "signals" RENAME TO "signals_unpartitioned";--> statement-breakpoint
ALTER TABLE "signals_unpartitioned" RENAME CONSTRAINT "signals_workspace_id_id_pk" TO "signals_unpartitioned_pk";--> statement-breakpoint
ALTER INDEX "signals_customer_time_idx" RENAME TO "signals_unpartitioned_customer_time_idx";--> statement-breakpoint
CREATE TABLE "signal_ids" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signal_ids_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);--> statement-breakpoint
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
	"data" jsonb NOT NULL
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
-- Whatever no month's partition holds lands here and is never refused; the scheduler's
-- partition maintenance moves such rows into a partition of their own month.
CREATE TABLE "signals_default" PARTITION OF "signals" DEFAULT;--> statement-breakpoint
-- A partition per month that holds signals, and the current month and three ahead (UTC months).
DO $$
DECLARE
	m timestamptz;
BEGIN
	FOR m IN
		SELECT DISTINCT date_trunc('month', occurred_at, 'UTC') FROM "signals_unpartitioned"
		UNION
		-- Months stepped as UTC wall times: a timestamptz series steps in the session's zone, and
		-- under America/New_York a month after midnight UTC on the 1st is not a UTC month's start.
		SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + k * interval '1 month') AT TIME ZONE 'UTC' FROM generate_series(0, 3) k
	LOOP
		EXECUTE format('CREATE TABLE %I PARTITION OF "signals" FOR VALUES FROM (%L) TO (%L)',
			'signals_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'), m, (m AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC');
	END LOOP;
END $$;--> statement-breakpoint
INSERT INTO "signals" SELECT * FROM "signals_unpartitioned";--> statement-breakpoint
INSERT INTO "signal_ids" ("workspace_id", "id", "occurred_at") SELECT "workspace_id", "id", "occurred_at" FROM "signals_unpartitioned";--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_workspace_id_id_occurred_at_pk" PRIMARY KEY ("workspace_id", "id", "occurred_at");--> statement-breakpoint
CREATE INDEX "signals_customer_time_idx" ON "signals" USING btree ("workspace_id","customer_id","occurred_at");--> statement-breakpoint
DROP TABLE "signals_unpartitioned";
