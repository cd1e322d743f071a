#!/bin/sh
# Builds go-verifier and runs it against serve-fixture.ts: the honest log must pass, and a tampered
# hash tile, entry bundle, a forked old checkpoint or one from another key must fail. Usage: test/go-verifier/run.sh [entries]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
entries=${1:-1000}
[ "$entries" -ge 300 ] || { echo "run.sh needs at least 300 entries (it tampers with tile/1/000)" >&2; exit 2; }
work=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT INT TERM

(cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$work/go-verifier" .)

# start <label> [fixture args...]: starts a fixture, sets $url and $key
start() {
  label=$1; shift
  node --import tsx "$here/serve-fixture.ts" --entries "$entries" "$@" >"$work/$label.out" 2>"$work/$label.err" &
  pids="$pids $!"
  for _ in $(seq 1 100); do [ -s "$work/$label.out" ] && break; sleep 0.1; done
  read -r url key <"$work/$label.out"
}

cd "$root"
start honest --old-checkpoint "$work/old.txt"
"$work/go-verifier" -url "$url" -key "$key" -old-checkpoint "$work/old.txt"

fail=0
expect_fail() {
  if "$work/go-verifier" "$@" 2>"$work/last.err"; then echo "NOT DETECTED: $*"; fail=1; else echo "detected: $(cat "$work/last.err")"; fi
}
start tile --tamper tile/0/001
expect_fail -url "$url" -key "$key"
start upper --tamper tile/1/000
expect_fail -url "$url" -key "$key"
start entry --tamper-entry 7
expect_fail -url "$url" -key "$key"
start fork --fork-checkpoint "$work/fork.txt"   # same key, same size, different history
expect_fail -url "$url" -key "$key" -old-checkpoint "$work/fork.txt"
start other                                     # an old checkpoint signed by another key
expect_fail -url "$url" -key "$key" -old-checkpoint "$work/old.txt"
exit $fail
