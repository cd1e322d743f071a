#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 for the test suite and prints its URL. initdb/pg_ctl refuse to run
# as root, so they run as the postgres user in a directory it owns.
set -euo pipefail
PGPORT="${PGPORT:-55432}"
PGDIR="${PGDIR:-/tmp/probity-ci-pg}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || BIN=$(dirname "$(command -v initdb)")
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ "${1:-start}" = stop ]; then
  as_pg "$BIN/pg_ctl -D $PGDIR/data -m fast stop" >/dev/null 2>&1 || true
  exit 0
fi
rm -rf "$PGDIR"; mkdir -p "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
as_pg "$BIN/initdb -D $PGDIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_pg "$BIN/pg_ctl -D $PGDIR/data -l $PGDIR/log -w -o \"-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200 -c shared_buffers=512MB\" start" >/dev/null
echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
