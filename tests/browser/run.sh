#!/usr/bin/env bash
# The browser end-to-end test: starts `BINARY demo` (the stand-in Spotify's consent page on) on
# a free loopback port and drives Debian's headless chromium through login, cancel and logout
# with node's test runner and playwright-core. Screenshots and the demo's log go to
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
log="$out/demo.log"
demo_pid=""
stop_demo() {
  [ -n "$demo_pid" ] || return 0
  kill "$demo_pid" 2>/dev/null || true
  local rc=0
  wait "$demo_pid" 2>/dev/null || rc=$?
  demo_pid=""
  [ "$rc" -eq 0 ] || echo "browser test: warning: the demo exited with status $rc on SIGTERM" >&2
}
trap stop_demo EXIT

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Start the demo and wait until it listens; a port taken in between gets another try.
port=""
for attempt in 1 2 3; do
  port=$(free_port)
  "$binary" demo --port "$port" >"$log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 100); do
    kill -0 "$demo_pid" 2>/dev/null || break
    grep -q 'stand-in Spotify is at' "$log" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  if kill -0 "$demo_pid" 2>/dev/null && grep -q 'stand-in Spotify is at' "$log"; then break; fi
  echo "browser test: the demo did not start on port $port (attempt $attempt):" >&2
  tail -n 20 "$log" >&2
  stop_demo
  port=""
done
[ -n "$port" ] || fail "cannot start '$binary demo'"

export SPOTAUTH_BASE_URL="http://127.0.0.1:$port"
SPOTAUTH_SPOTIFY_URL=$(grep -o 'stand-in Spotify is at http://[0-9.:]*' "$log" | grep -o 'http://.*' || true)
export SPOTAUTH_SPOTIFY_URL
export SPOTAUTH_SCREENSHOT_DIR="$out"
echo "browser test: spotauth demo at $SPOTAUTH_BASE_URL, stand-in Spotify at $SPOTAUTH_SPOTIFY_URL"

status=0
(cd "$here" && timeout 150 node --test --test-reporter=tap login.test.mjs) || status=$?
stop_demo
if [ "$status" -ne 0 ]; then
  echo "browser test: FAILED (status $status); the demo's log is $log, screenshots in $out" >&2
  tail -n 30 "$log" >&2
else
  echo "browser test: passed; screenshots in $out"
fi
exit "$status"
