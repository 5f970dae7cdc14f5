-- Every primary key leads with workspace_id (the tables stay distributable by workspace; see
-- docs/scaling.md). The ids are bigserials and stay unique on their own; only the key's shape
-- changes. refresh_requests' (workspace_id, id) index becomes its primary key.
ALTER TABLE "alert_events" DROP CONSTRAINT "alert_events_pkey", ADD CONSTRAINT "alert_events_pkey" PRIMARY KEY ("workspace_id", "id");--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey", ADD CONSTRAINT "audit_log_pkey" PRIMARY KEY ("workspace_id", "id");--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_pkey", ADD CONSTRAINT "outbox_pkey" PRIMARY KEY ("workspace_id", "id");--> statement-breakpoint
ALTER TABLE "refresh_requests" DROP CONSTRAINT "refresh_requests_pkey", ADD CONSTRAINT "refresh_requests_pkey" PRIMARY KEY ("workspace_id", "id");--> statement-breakpoint
DROP INDEX IF EXISTS "refresh_requests_workspace_idx";--> statement-breakpoint
ALTER TABLE "scores" DROP CONSTRAINT "scores_pkey", ADD CONSTRAINT "scores_pkey" PRIMARY KEY ("workspace_id", "id");--> statement-breakpoint
ALTER TABLE "tier_history" DROP CONSTRAINT "tier_history_pkey", ADD CONSTRAINT "tier_history_pkey" PRIMARY KEY ("workspace_id", "id");--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_pkey", ADD CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("workspace_id", "id");
