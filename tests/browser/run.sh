#!/usr/bin/env bash
# The browser end-to-end test: starts `BINARY demo` (the stand-in Spotify's consent page on) on
# a free loopback port, and a second one in gateway mode in front of the echo app, and drives
# Debian's headless chromium through login, cancel and logout (and the gateway's login back to
# the app) with node's test runner and playwright-core. Screenshots and the demo's log go to
# build/browser/. Exits with the test's status.
# Usage: tests/browser/run.sh BINARY     (make test installs chromium, nodejs and npm through
#        scripts/install-deps.sh browser; this script installs playwright-core from the lock file)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/node-project.sh"
binary=$(node_test_binary "browser test" "$@")
out="$root/build/browser"
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

fail() { echo "browser test: $*" >&2; exit 1; }
[ -x "$CHROMIUM" ] || fail "$CHROMIUM not found; install it with 'scripts/install-deps.sh browser' (make test does)"
# playwright-core, exactly as the lock file says.
node_project "$here" "browser test"

mkdir -p "$out"
rm -f "$out"/*.png
pids=()
stop_all() {
  local pid rc
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    # 143: the echo app (python) ends by SIGTERM's default action.
    [ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || echo "browser test: warning: process $pid exited with status $rc on SIGTERM" >&2
  done
  pids=()
}
trap stop_all EXIT

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# start_demo LOG [DEMO ARGS...]: starts the demo, waits until it listens; sets DEMO_PORT. A port
# taken in between gets another try.
start_demo() {
  local log=$1 port pid attempt
  shift
  for attempt in 1 2 3; do
    port=$(free_port)
    "$binary" demo --port "$port" "$@" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      grep -q 'stand-in Spotify is at' "$log" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null && grep -q 'stand-in Spotify is at' "$log"; then
      pids+=("$pid")
      DEMO_PORT=$port
      return 0
    fi
    echo "browser test: the demo did not start on port $port (attempt $attempt):" >&2
    tail -n 20 "$log" >&2
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  fail "cannot start '$binary demo $*'"
}

log="$out/demo.log"
start_demo "$log"
export SPOTAUTH_BASE_URL="http://127.0.0.1:$DEMO_PORT"
SPOTAUTH_SPOTIFY_URL=$(grep -o 'stand-in Spotify is at http://[0-9.:]*' "$log" | grep -o 'http://.*' || true)
export SPOTAUTH_SPOTIFY_URL
export SPOTAUTH_SCREENSHOT_DIR="$out"
echo "browser test: spotauth demo at $SPOTAUTH_BASE_URL, stand-in Spotify at $SPOTAUTH_SPOTIFY_URL"

# Gateway mode: a second demo in front of the echo app (tests/testing/echo_app.py).
app_port=$(free_port)
python3 "$root/tests/testing/echo_app.py" "$app_port" >"$out/app.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$app_port") 2>/dev/null && break; sleep 0.1; done
gateway_log="$out/gateway-demo.log"
start_demo "$gateway_log" --upstream "http://127.0.0.1:$app_port"
export SPOTAUTH_GATEWAY_URL="http://127.0.0.1:$DEMO_PORT"
echo "browser test: spotauth gateway demo at $SPOTAUTH_GATEWAY_URL in front of 127.0.0.1:$app_port"

status=0
(cd "$here" && timeout 150 node --test --test-reporter=tap login.test.mjs) || status=$?
stop_all
if [ "$status" -ne 0 ]; then
  echo "browser test: FAILED (status $status); the demos' logs are $log and $gateway_log, screenshots in $out" >&2
  tail -n 30 "$log" "$gateway_log" >&2
else
  echo "browser test: passed; screenshots in $out"
fi
exit "$status"
