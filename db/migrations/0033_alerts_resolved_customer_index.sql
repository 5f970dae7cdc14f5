-- Raising an alert looks up each candidate's resolved alerts (the rules' cooldown, the risk
-- episode's last alert). Without an index on the customer, each page of candidates read every
-- resolved alert of the workspace: 30 ms for 500 candidates at 300,000 resolved alerts, 2.1 ms
-- with it (`npx tsx bench/alerts-lookup.ts`, AMD EPYC).
CREATE INDEX IF NOT EXISTS "alerts_resolved_customer_idx" ON "alerts" USING btree ("workspace_id","customer_id","opened_at") WHERE status = 'resolved';
