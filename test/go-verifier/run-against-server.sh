#!/bin/sh
# Starts the real server (`probity serve`, embedded database, demo data) and checks its ledger from
# outside: Go's own note/tlog packages (go-verifier) and `probity ledger verify --url`, both with a
# consistency check against a checkpoint saved before more records were written over HTTP; then,
# with the server stopped, `probity ledger verify --database`. Exits non-zero on any failure.
# Usage: test/go-verifier/run-against-server.sh [units-to-write]   (default 300; about 30 s)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
more=${1:-300}
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
cd "$root"
drive() { node --import tsx "$here/drive-server.ts" "$@"; }
probity() { node bin/probity.mjs "$@"; }

(cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$work/go-verifier" .)

port=$(drive free-port)
base="http://127.0.0.1:$port"
unset DATABASE_URL PROBITY_LEDGER_KEY PROBITY_DATA_KEY PROBITY_LEDGER_ORIGIN
export PROBITY_DATA_DIR="$work/data" PORT="$port" HOST=127.0.0.1 PROBITY_DEMO=on LOG_LEVEL=warn

node bin/probity.mjs serve >"$work/server.out" 2>"$work/server.err" &
pid=$!
drive wait-up "$base" || { cat "$work/server.err" >&2; exit 1; }
size=$(drive wait-ledger "$base")
key=$(node -e "fetch('$base/ledger/key').then(r => r.text()).then(t => process.stdout.write(t.trim()))")
node -e "fetch('$base/ledger/checkpoint').then(r => r.text()).then(t => process.stdout.write(t))" >"$work/old.txt"
echo "server up on $base, ledger size $size (the demo province)"

drive write-units "$base" "$more" GV 8 >"$work/acked.txt"
acked=$(wc -l <"$work/acked.txt")
[ "$acked" -eq "$more" ] || { echo "only $acked of $more units were acknowledged" >&2; exit 1; }
size=$(drive wait-ledger "$base" $((size + more)))
echo "wrote $more units over HTTP; ledger size $size"

"$work/go-verifier" -url "$base" -key "$key" -old-checkpoint "$work/old.txt"
cp "$work/old.txt" "$work/witness.txt"
probity ledger verify --url "$base" --key "$key" --witness "$work/witness.txt" --all
probity ledger verify --url "$base" --key "$key" --witness "$work/witness.txt" --sample 50

kill "$pid"
wait "$pid" || true
pid=""
probity ledger verify --database
