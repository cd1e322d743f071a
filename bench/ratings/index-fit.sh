#!/usr/bin/env bash
# Whether service_transactions' unit and handler indexes fit the queries that use them (decision 88).
# Every query that selects transactions by unit or handler asks for completed ones in a period of
# completion (unit metrics, ratings/metrics-repo.ts; metrics scans, metrics/repo.ts). This builds
# ROWS synthetic transactions over three years (600 units, 2,000 handlers for half of them, two in
# three completed), then times one unit's and one handler's completed transactions of one month —
# the shape of those queries — with the indexes keyed on accepted_at (migrations 0004/0013, "old")
# and on completed_at of completed rows (migration 0016, "new"): the server's execution time from
# EXPLAIN ANALYZE, median of 7, for 7 units and handlers in turn, and the index sizes.
#   bash bench/ratings/index-fit.sh postgres://postgres@127.0.0.1:55432/postgres [ROWS]
set -euo pipefail
URL="${1:?usage: index-fit.sh POSTGRES_URL [ROWS]}"
ROWS="${2:-3000000}"
psql -q "$URL" -c "drop database if exists index_fit" -c "create database index_fit"
DB="${URL%/*}/index_fit"
psql -q -v ON_ERROR_STOP=1 "$DB" <<SQL
create table t (
  id bigserial primary key, unit_id int not null, handler_staff_id int, status text not null,
  accepted_at timestamptz not null, completed_at timestamptz, promised_days int);
insert into t (unit_id, handler_staff_id, status, accepted_at, completed_at, promised_days)
select 1 + (g * 7919) % 600, case when g % 2 = 0 then 1 + (g * 104729) % 2000 end,
  case when g % 3 = 0 then 'accepted' else 'completed' end,
  timestamptz '2024-01-01' + (g::float / $ROWS) * interval '1095 days',
  case when g % 3 <> 0 then timestamptz '2024-01-01' + (g::float / $ROWS) * interval '1095 days' + (g % 20) * interval '1 day' end,
  5
from generate_series(1::bigint, $ROWS) g;
create index t_completed on t (completed_at) where status = 'completed';
SQL
run() {
  psql -qAt "$DB" <<SQL
create or replace function timed(q text) returns float language plpgsql as \$\$
declare plan json;
begin
  execute 'explain (analyze, format json) ' || q into plan;
  return (plan->0->>'Execution Time')::float;
end \$\$;
select string_agg(x::text, ' ' order by x) from (
  select timed(format('select count(*), sum(promised_days) from t where unit_id = %s and status = ''completed'' and completed_at >= ''2026-06-01'' and completed_at < ''2026-07-01''', 1 + k * 83)) as x
  from generate_series(0, 6) k) s;
select string_agg(x::text, ' ' order by x) from (
  select timed(format('select count(*), sum(promised_days) from t where handler_staff_id = %s and status = ''completed'' and completed_at >= ''2026-06-01'' and completed_at < ''2026-07-01''', 1 + k * 284)) as x
  from generate_series(0, 6) k) s;
SQL
}
psql -q "$DB" -c "create index t_unit on t (unit_id, accepted_at)" -c "create index t_handler on t (handler_staff_id, accepted_at) where handler_staff_id is not null" -c "vacuum analyze t"
run >/dev/null # warm the cache
echo "old unit (ms):    $(run | sed -n 1p)"
echo "old handler (ms): $(run | sed -n 2p)"
psql -qAt "$DB" -c "select 'old index sizes: ' || pg_size_pretty(pg_relation_size('t_unit')) || ' unit, ' || pg_size_pretty(pg_relation_size('t_handler')) || ' handler'"
psql -q "$DB" -c "drop index t_unit" -c "drop index t_handler" \
  -c "create index t_unit on t (unit_id, completed_at) where status = 'completed'" \
  -c "create index t_handler on t (handler_staff_id, completed_at) where handler_staff_id is not null and status = 'completed'" -c "vacuum analyze t"
run >/dev/null
echo "new unit (ms):    $(run | sed -n 1p)"
echo "new handler (ms): $(run | sed -n 2p)"
psql -qAt "$DB" -c "select 'new index sizes: ' || pg_size_pretty(pg_relation_size('t_unit')) || ' unit, ' || pg_size_pretty(pg_relation_size('t_handler')) || ' handler'"
psql -q "$URL" -c "drop database index_fit"
