#!/bin/sh
# kill -9 of the server while thousands of records are being written over HTTP, on PostgreSQL:
# after a restart every acknowledged record is in the log exactly once, indices are dense, and the
# new checkpoint is consistent with the one saved just before the kill (checked by our verifier and
# by Go's tlog). Exits non-zero on any failure.
#
# Usage: test/ledger-crash/run.sh [POSTGRES_URL]   (default $PROBITY_TEST_DATABASE_URL, then the
#        server .ci/pg.sh starts; a fresh database is created and dropped; about 60 s)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pgbase=${1:-${PROBITY_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:55432/postgres}}
total=${CRASH_TOTAL:-20000}       # units the writer would create if nobody killed the server
kill_after=${CRASH_KILL_AFTER:-3000}  # acknowledged units before kill -9
work=$(mktemp -d)
pid=""
writer=""
dburl=""
cd "$root"
drive() { node --import tsx test/go-verifier/drive-server.ts "$@"; }
check() { node --import tsx "$here/check.ts" "$@"; }
cleanup() {
  [ -n "$writer" ] && kill "$writer" 2>/dev/null || true
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  [ -n "$dburl" ] && check drop-db "$dburl" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

dburl=$(check create-db "$pgbase")
port=$(drive free-port)
base="http://127.0.0.1:$port"
export DATABASE_URL="$dburl" PORT="$port" HOST=127.0.0.1 PROBITY_DEMO=on LOG_LEVEL=warn PROBITY_DATA_DIR="$work/data"
export PROBITY_LEDGER_KEY="$(node bin/probity.mjs ledger keygen 2>/dev/null | head -1)"
export PROBITY_DATA_KEY="$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))")"
unset PROBITY_LEDGER_ORIGIN

start() {
  node bin/probity.mjs serve >>"$work/server.out" 2>>"$work/server.err" &
  pid=$!
  drive wait-up "$base" || { cat "$work/server.err" >&2; exit 1; }
}

start
drive wait-ledger "$base" >/dev/null
key=$(node -e "fetch('$base/ledger/key').then(r => r.text()).then(t => process.stdout.write(t.trim()))")

: >"$work/acked.txt"
drive write-units "$base" "$total" KC 32 >>"$work/acked.txt" 2>"$work/writer.err" &
writer=$!
while [ "$(wc -l <"$work/acked.txt")" -lt "$kill_after" ]; do
  kill -0 "$writer" 2>/dev/null || { echo "the writer stopped early:" >&2; cat "$work/writer.err" >&2; exit 1; }
  sleep 0.1
done
# The last checkpoint anyone saw before the crash: the new log must extend it.
node -e "fetch('$base/ledger/checkpoint').then(r => r.text()).then(t => process.stdout.write(t))" >"$work/before.txt"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=""
wait "$writer" || true
writer=""
before=$(sed -n 2p "$work/before.txt")
acked=$(wc -l <"$work/acked.txt")
[ "$acked" -ge "$kill_after" ] || { echo "only $acked units acknowledged before the kill" >&2; exit 1; }
echo "kill -9 after $acked acknowledged units; checkpoint before the kill: size $before"

start
check wait-drained "$dburl"
size=$(drive wait-ledger "$base" "$before")
echo "restarted; ledger size $size"
check check "$dburl" "$work/acked.txt"

cp "$work/before.txt" "$work/witness.txt"
node bin/probity.mjs ledger verify --url "$base" --key "$key" --witness "$work/witness.txt" --all
if command -v go >/dev/null 2>&1; then
  (cd "$root/test/go-verifier" && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$work/go-verifier" .)
  "$work/go-verifier" -url "$base" -key "$key" -old-checkpoint "$work/before.txt"
fi
node bin/probity.mjs ledger verify --database
