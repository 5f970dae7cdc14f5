-- A refresh reads a customer's sessions apart from their other signals (features.ts): the
-- sessions through signals_customer_time_idx, the others through this index, which holds
-- only them, so a customer's hundreds of sessions are not fetched and thrown away to find
-- their few purchases, tickets and competitor evidence. Built on every partition.
CREATE INDEX "signals_customer_time_not_session_idx" ON "signals" USING btree ("workspace_id","customer_id","occurred_at") WHERE "type" <> 'session';
