-- What dead rows cost the refresh drain's read of the oldest requests (README, Production).
-- A scratch copy of refresh_requests with its (workspace_id, id) index: 150 rounds of 2,000
-- requests added and drained, as a drain keeping up leaves them, then the drain's page query
-- timed twice over the 300,000 dead rows and twice after VACUUM.
--   psql -h 127.0.0.1 -U postgres -f bench/sql/dead-refresh-requests.sql
drop database if exists rw_dead_requests_probe;
create database rw_dead_requests_probe;
\c rw_dead_requests_probe
create table rr (id bigserial primary key, workspace_id text not null, customer_id text not null, requested_at timestamptz not null default now());
create index rr_ws on rr (workspace_id, id);
do $$ begin for i in 1..150 loop
  insert into rr (workspace_id, customer_id) select 'ws', 'c-' || (random() * 20000)::int from generate_series(1, 2000);
  delete from rr where id in (select id from rr where workspace_id = 'ws' order by id limit 2000);
end loop; end $$;
insert into rr (workspace_id, customer_id) select 'ws', 'c-' || (random() * 20000)::int from generate_series(1, 2000);
\timing on
\echo over 300,000 dead rows:
select count(*) from (select id, customer_id from rr where workspace_id = 'ws' and (hashtext(customer_id) & 2147483647) % 2 = 0 order by id limit 8000) x;
select count(*) from (select id, customer_id from rr where workspace_id = 'ws' and (hashtext(customer_id) & 2147483647) % 2 = 0 order by id limit 8000) x;
vacuum rr;
\echo after VACUUM:
select count(*) from (select id, customer_id from rr where workspace_id = 'ws' and (hashtext(customer_id) & 2147483647) % 2 = 0 order by id limit 8000) x;
select count(*) from (select id, customer_id from rr where workspace_id = 'ws' and (hashtext(customer_id) & 2147483647) % 2 = 0 order by id limit 8000) x;
\timing off
\c postgres
drop database rw_dead_requests_probe;
