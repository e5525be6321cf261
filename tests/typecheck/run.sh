#!/usr/bin/env bash
# The stand-in's type check: starts `BINARY fake-spotify` on a free loopback port, collects every
# JSON shape it emits (collect.mjs: each object kind, each scope variant, each error) and checks
# them with `tsc --strict` against @types/spotify-api and @spotify/web-api-ts-sdk (types.ts says
# where Spotify's reference overrides them). A field the types require and the stand-in omits
# fails it. The stand-in's log and the generated shapes.ts are kept on failure.
# Usage: tests/typecheck/run.sh BINARY   (needs node and npm: scripts/install-deps.sh browser;
#        installs typescript and the type packages from the lock file)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/node-project.sh"
binary=$(node_test_binary "typecheck: FAILED" "$@")
log="$root/build/typecheck/fake-spotify.log"

fail() { echo "typecheck: FAILED: $*" >&2; exit 1; }
# typescript and the type packages, exactly as the lock file says.
node_project "$here" "typecheck: FAILED"

mkdir -p "$(dirname "$log")"
pid=""
stop() {
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
trap stop EXIT

# Port 0: the stand-in picks a free port and prints it.
"$binary" fake-spotify --port 0 --auto-approve --client-secret typecheck-secret >"$log" 2>&1 &
pid=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'listening on http://[0-9.:]*' "$log" | grep -o 'http://.*' || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { tail -n 20 "$log" >&2; fail "cannot start '$binary fake-spotify'"; }

(cd "$here" && node collect.mjs "$url") || { tail -n 20 "$log" >&2; fail "collecting shapes"; }
stop
if (cd "$here" && npx --no-install tsc -p tsconfig.json); then
  echo "typecheck: passed; every stand-in shape satisfies the Spotify Web API types"
else
  fail "shapes that do not satisfy the types are in $here/generated/shapes.ts"
fi
