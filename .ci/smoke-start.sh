#!/usr/bin/env bash
# The README's quick start on a fresh data directory: `npm start` must answer /readyz 200, a printed
# demo account must sign in, and SIGTERM must stop the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=$(mktemp -d)
PORT=${SMOKE_PORT:-18080}
LOG="$DATA/start.log"
# In a process group of its own (setsid), so that npm, its shell and the server are signalled together,
# as a service manager stops a service; nothing may outlive the check.
PROBITY_DATA_DIR="$DATA" PORT=$PORT DATABASE_URL= setsid npm start >"$LOG" 2>&1 &
PID=$!
cleanup() { kill -KILL -- "-$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

for _ in $(seq 1 180); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "smoke: server exited"; exit 1; }
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/readyz" | grep -q ready || { cat "$LOG"; echo "smoke: /readyz not ready"; exit 1; }
grep -q "Probity is listening on http://127.0.0.1:$PORT" "$LOG" || { cat "$LOG"; echo "smoke: no URL printed"; exit 1; }
PASSWORD=$(grep -E '^\s+admin\s' "$LOG" | awk '{print $2}')
[ -n "$PASSWORD" ] || { cat "$LOG"; echo "smoke: demo accounts not printed"; exit 1; }
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/auth/login")
[ "$CODE" = 200 ] || { echo "smoke: demo login answered $CODE"; exit 1; }
kill -TERM -- "-$PID" 2>/dev/null || true
for _ in $(seq 1 30); do pgrep -g "$PID" >/dev/null || break; sleep 1; done
if pgrep -g "$PID" >/dev/null; then pgrep -a -g "$PID"; echo "smoke: server did not stop on SIGTERM"; exit 1; fi
[ -f "$DATA/keys/data.key" ] && [ "$(stat -c %a "$DATA/keys/data.key")" = 600 ] || { echo "smoke: data key missing or not 0600"; exit 1; }
echo "smoke: npm start served /readyz, demo login worked, SIGTERM stopped it"
