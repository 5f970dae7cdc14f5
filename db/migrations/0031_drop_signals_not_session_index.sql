-- A customer's features read their signals once (features.ts: sessions and the rest from one
-- per-customer read, each read visiting every monthly partition's index), so the partial index
-- of migration 0029 serves no read any more; every non-session signal stored maintained it.
DROP INDEX IF EXISTS "signals_customer_time_not_session_idx";
