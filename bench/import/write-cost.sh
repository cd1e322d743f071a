#!/usr/bin/env bash
# What two constraints of the schema cost the server on a bulk staff import (decision 86): 100,000
# staff-shaped rows inserted 4,000 per statement (as the import's batches do) into a table whose
# unit is checked by a foreign key ("fk"), by the statement-level trigger of migration 0014
# ("trigger") or not at all ("none"); and 100,000 ledger entries inserted 4,000 per statement into
# the ledger's shape with its lookup columns in the database's collation ("locale") or bytewise
# ("C", migration 0015). ROUNDS times each, printing the backend's CPU seconds per variant (/proc).
#   bash bench/import/write-cost.sh postgres://postgres@127.0.0.1:55432/postgres [ROUNDS] [ICU_LOCALE]
# With ICU_LOCALE (e.g. zh-Hans-CN) the scratch database sorts text by that ICU locale, as a
# deployment created with one would; without it, by the server's default (C.UTF-8 from .ci/pg.sh).
# Runs on the machine that hosts the server (it reads the backend's /proc entry).
set -euo pipefail
URL="${1:?usage: write-cost.sh POSTGRES_URL [ROUNDS]}"
ROUNDS="${2:-4}"
CREATE="create database write_cost"
[ -n "${3:-}" ] && CREATE="$CREATE template template0 locale_provider icu icu_locale '$3'"
psql -q "$URL" -c "drop database if exists write_cost" -c "$CREATE"
DB="${URL%/*}/write_cost"
psql -q "$DB" <<'SQL'
create table units (id serial primary key, code text);
insert into units (code) select 'U' || g from generate_series(1, 600) g;
create function staff_units_exist() returns trigger language plpgsql as $$
begin
  if exists (select from (select distinct unit_id from written) w where not exists (select from units u where u.id = w.unit_id)) then
    raise exception 'unknown unit' using errcode = 'foreign_key_violation';
  end if;
  return null;
end $$;
create function mk_staff(variant text) returns void language plpgsql as $$
begin
  drop table if exists staff;
  create table staff (
    id serial primary key, code text not null unique, name text not null,
    unit_id int not null, position text not null default '', level text not null check (level in ('leader','base')),
    status text not null check (status in ('candidate','active','departed')), entered_on date, departed_on date,
    id_number_enc bytea, id_number_index bytea, phone_enc bytea, phone_index bytea, content_hmac bytea not null,
    version int not null default 1, created_at timestamptz not null default now(), updated_at timestamptz not null default now());
  create unique index on staff (id_number_index) where id_number_index is not null;
  create index on staff (unit_id);
  if variant = 'fk' then alter table staff add foreign key (unit_id) references units(id);
  elsif variant = 'trigger' then
    create trigger staff_units_on_insert after insert on staff referencing new table as written for each statement execute function staff_units_exist();
  end if;
end $$;
create function fill_staff() returns void language plpgsql as $$
begin
  for b in 0..24 loop
    insert into staff (code, name, unit_id, position, level, status, entered_on, id_number_enc, id_number_index, phone_enc, phone_index, content_hmac)
    select 'S' || lpad(g::text, 7, '0'), '张' || g, 1 + (g * 7919) % 600, '科员', case when g % 10 = 0 then 'leader' else 'base' end, 'active',
      date '2015-01-01' + g % 3000, sha256(('e' || g)::bytea) || sha256(('f' || g)::bytea), sha256(('i' || g)::bytea),
      sha256(('p' || g)::bytea) || sha256(('q' || g)::bytea), sha256(('j' || g)::bytea), sha256(('c' || g)::bytea)
    from generate_series(b * 4000 + 1, b * 4000 + 4000) g;
  end loop;
end $$;
create function mk_ledger(variant text) returns void language plpgsql as $$
begin
  drop table if exists ledger_entries;
  if variant = 'C' then
    create table ledger_entries (seq bigserial primary key, entry bytea not null, record_type text collate "C" not null, record_id text collate "C" not null, record_version int not null);
  else
    create table ledger_entries (seq bigserial primary key, entry bytea not null, record_type text not null, record_id text not null, record_version int not null);
  end if;
  create index on ledger_entries (record_type, record_id, record_version);
end $$;
create function fill_ledger() returns void language plpgsql as $$
begin
  for b in 0..24 loop
    insert into ledger_entries (entry, record_type, record_id, record_version)
    select convert_to('staff ' || g || ' 1 ' || encode(sha256(g::text::bytea), 'hex') || repeat('x', 100) || chr(10), 'UTF8'), 'staff', g::text, 1
    from generate_series(b * 4000 + 1, b * 4000 + 4000) g;
  end loop;
end $$;
SQL
{
  echo "set client_min_messages = warning;"
  echo 'select pg_backend_pid() as pid \gset'
  echo '\setenv PID :pid'
  for round in $(seq "$ROUNDS"); do
    for v in fk trigger none; do
      echo "select mk_staff('$v') is null;"
      echo 'checkpoint;'
      echo "\\! awk -v v=staff-$v '{printf \"%s %s \", v, \$14+\$15}' /proc/\$PID/stat"
      echo "do \$\$ begin perform fill_staff(); end \$\$;"
      echo "\\! awk '{print \$14+\$15}' /proc/\$PID/stat"
    done
    for v in locale C; do
      echo "select mk_ledger('$v') is null;"
      echo 'checkpoint;'
      echo "\\! awk -v v=ledger-$v '{printf \"%s %s \", v, \$14+\$15}' /proc/\$PID/stat"
      echo "do \$\$ begin perform fill_ledger(); end \$\$;"
      echo "\\! awk '{print \$14+\$15}' /proc/\$PID/stat"
    done
  done
} | psql -qAt "$DB" | awk 'NF==3 { printf "%-14s %.2f s CPU\n", $1, ($3-$2)/100 }'
psql -q "$URL" -c "drop database write_cost"
