#!/bin/sh
# The issue's done-means for bulk ingest, by script, on PostgreSQL: a transactions NDJSON file with
# 0.5% bad lines (every 200th, broken in one field) is imported with `probity import`; the importer
# is killed with kill -9 part-way; the same command again resumes it. Then: every good line stored
# exactly once, every bad line refused by line and field, and each stored row listed once by the
# ledger's evidence batches. Re-importing the file changes nothing. `probity ledger verify
# --database` passes. Exits non-zero on any failure.
#
# Usage: bench/ingest/crash.sh [POSTGRES_URL] [LINES]   (default $PROBITY_TEST_DATABASE_URL, 1000000
#        lines; a fresh database is created on that server and dropped at the end)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pgbase=${1:-${PROBITY_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:55432/postgres}}
lines=${2:-1000000}
kill_after=${CRASH_KILL_BATCHES:-$(( lines / 5000 / 3 + 1 ))}  # committed batches (5,000 lines each) before kill -9
work=$(mktemp -d)
importer=""
dburl=""
cd "$root"
check() { node --import tsx "$here/crash-check.ts" "$@"; }
db() { node --import tsx "$root/test/ledger-crash/check.ts" "$@"; }
cleanup() {
  [ -n "$importer" ] && kill -9 "$importer" 2>/dev/null || true
  [ -n "$dburl" ] && db drop-db "$dburl" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

dburl=$(db create-db "$pgbase")
export DATABASE_URL="$dburl" PROBITY_DEMO=off LOG_LEVEL=warn PROBITY_DATA_DIR="$work/data"
export PROBITY_LEDGER_KEY="$(node bin/probity.mjs ledger keygen 2>/dev/null | head -1)"
export PROBITY_DATA_KEY="$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))")"
unset PROBITY_LEDGER_ORIGIN
file="$work/transactions.ndjson"
check make-file "$file" "$lines"
node bin/probity.mjs demo --staff 20 >/dev/null

started=$(date +%s)
node bin/probity.mjs import transactions "$file" >"$work/first.out" 2>"$work/first.err" &
importer=$!
while [ "$(check batches "$dburl")" -lt "$kill_after" ]; do
  kill -0 "$importer" 2>/dev/null || { echo "the import ended before the kill:" >&2; cat "$work/first.err" >&2; exit 1; }
  sleep 0.2
done
kill -9 "$importer"
wait "$importer" 2>/dev/null || true
importer=""
echo "kill -9 after $(check batches "$dburl") committed batches"

node bin/probity.mjs import transactions "$file" >"$work/second.out" 2>"$work/second.err" || { cat "$work/second.err" >&2; exit 1; }
grep -o 'resuming ingest job #[0-9]* after [0-9]* lines' "$work/second.err" || { echo "the second run did not resume the job" >&2; exit 1; }
head -1 "$work/second.out"
check check "$dburl" "$file"
echo "import with a kill -9 and a resume: $(( $(date +%s) - started )) s"

node bin/probity.mjs import transactions "$file" >"$work/third.out" 2>"$work/third.err" || { cat "$work/third.err" >&2; exit 1; }
head -1 "$work/third.out"
check check "$dburl" "$file" again

node bin/probity.mjs ledger integrate >/dev/null
node bin/probity.mjs ledger verify --database >"$work/verify.out" || { cat "$work/verify.out" >&2; exit 1; }
tail -1 "$work/verify.out"
