#!/usr/bin/env bash
# What each secondary index of service_transactions costs raw COPY: 200,000 synthetic transactions
# (half naming a handler, two in three completed, accepted at random over a year and completed up to
# 20 days later, in random order as in bench/ingest's file) copied into the table's shape, ROUNDS times
# each variant, printing the backend's CPU seconds per COPY (from /proc). Variants, on the index set
# of migration 0016 (decision 88):
#   all          every index the table has
#   brin         the (completed_at) index of completed rows as BRIN instead of a B-tree
#   nocompleted  without the (completed_at) index
#   noidx        no secondary index (primary key and the two unique constraints only)
# Decision 82's figures were taken on migration 0013's set (indexes keyed on accepted_at).
#   bash bench/ingest/index-cost.sh postgres://postgres@127.0.0.1:55432/postgres [ROUNDS]
# Runs on the machine that hosts the server (it reads the backend's /proc entry) and writes
# /tmp/index-cost.copy as the postgres user's server does.
set -euo pipefail
URL="${1:?usage: index-cost.sh POSTGRES_URL [ROUNDS]}"
ROUNDS="${2:-4}"
psql -q "$URL" -c "drop database if exists index_cost" -c "create database index_cost"
DB="${URL%/*}/index_cost"
psql -q "$DB" <<'SQL'
create table src as select 1 as source_id, 'B'||lpad(g::text,9,'0') as external_id,
  upper(substr(md5(random()::text),1,20)) as transaction_code, (random()*1460)::int+1 as service_item_id,
  (random()*580)::int+1 as unit_id, case when g%2=0 then (random()*1999)::int+1 end as handler_staff_id,
  (array['window','online','mobile','self_service'])[g%4+1] as channel, case when g%3=0 then 'accepted' else 'completed' end as status,
  a as accepted_at, case when g%3<>0 then a + random() * interval '20 days' end as completed_at,
  5 as promised_days, decode(md5(g::text)||md5((g+1)::text),'hex') as content_hash
from (select g, timestamptz '2025-01-01' + random() * interval '365 days' as a from generate_series(1,200000) g) s
order by random();
copy src to '/tmp/index-cost.copy';
create function mk(variant text) returns void language plpgsql as $$
begin
  drop table if exists t;
  create table t (
    id bigserial primary key, source_id int not null, external_id text collate "C" not null,
    transaction_code text collate "C" not null unique, service_item_id int, unit_id int not null, handler_staff_id int,
    channel text not null, status text not null, accepted_at timestamptz not null, completed_at timestamptz,
    promised_days int, content_hash bytea not null, version int not null default 1,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
    unique (source_id, external_id), ledger_batch bigint);
  if variant <> 'noidx' then
    create index on t (unit_id, completed_at) where status = 'completed';
    create index on t (handler_staff_id, completed_at) where handler_staff_id is not null and status = 'completed';
    if variant = 'all' then create index on t (completed_at) where status = 'completed';
    elsif variant = 'brin' then create index on t using brin (completed_at); end if;
  end if;
end $$;
SQL
COLS="source_id, external_id, transaction_code, service_item_id, unit_id, handler_staff_id, channel, status, accepted_at, completed_at, promised_days, content_hash"
{
  echo 'select pg_backend_pid() as pid \gset'
  echo '\setenv PID :pid'
  for round in $(seq "$ROUNDS"); do
    for v in all brin nocompleted noidx; do
      echo "select mk('$v') is null;"
      echo 'checkpoint;'
      echo "\\! awk -v v=$v '{printf \"%s %s \", v, \$14+\$15}' /proc/\$PID/stat"
      echo "copy t ($COLS) from '/tmp/index-cost.copy';"
      echo "\\! awk '{print \$14+\$15}' /proc/\$PID/stat"
    done
  done
} | psql -qAt "$DB" | awk 'NF==3 { printf "%-11s %.2f s CPU\n", $1, ($3-$2)/100 }'
psql -q "$URL" -c "drop database index_cost"
