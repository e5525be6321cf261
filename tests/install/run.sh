#!/usr/bin/env bash
# The installed library as another project sees it: installs the build into a temporary prefix,
# checks what the prefix holds (headers, static libraries, CMake package, pkg-config files),
# configures and builds examples/now_playing out of tree with find_package(spotauth CONFIG), and
# runs it against the stand-in Spotify with a token file that `spotauth token` wrote, once with
# a fresh token and once with an expired one that it must refresh.
# Usage: tests/install/run.sh BUILD_DIR SPOTAUTH_BINARY SOURCE_DIR   (run by ctest)
set -euo pipefail
build=$1
binary=$2
source=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/spotauth-install-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "install test: $*" >&2
  for log in "$work"/*.log; do [ -f "$log" ] && { echo "== $log" >&2; tail -n 30 "$log" >&2; }; done
  exit 1
}

# --- install, and what the prefix holds ---
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || fail "cmake --install failed"
config=$(find "$prefix" -name spotauthConfig.cmake)
[ -n "$config" ] || fail "no spotauthConfig.cmake in the prefix"
libdir=$(dirname "$(dirname "$(dirname "$config")")")
for f in "$libdir"/cmake/spotauth/spotauthConfigVersion.cmake "$libdir"/cmake/spotauth/spotauthTargets.cmake \
         "$libdir"/pkgconfig/spotauth.pc "$libdir"/pkgconfig/spotauth-store.pc \
         "$libdir"/libspotauth_{boost,core,http,spotify,store}.a \
         "$prefix"/include/spotauth/{core/result.h,http/beast_http_client.h,spotify/accounts.h,spotify/token_file.h,store/session_store.h}; do
  [ -f "$f" ] || fail "missing from the prefix: ${f#"$prefix"/}"
done
# The program, not the library, stays out; so do the Spotify clients' internal wire helpers.
for f in server fake_spotify cli spotify/spotify_wire.h http/listener.h; do
  [ ! -e "$prefix/include/spotauth/$f" ] || fail "installed but not part of the library: $f"
done
# Every header an installed header includes is installed too.
while IFS=: read -r file included; do
  [ -f "$prefix/include/spotauth/$included" ] || fail "${file#"$prefix"/} includes $included, which is not installed"
done < <(grep -HoE '^#include "[a-z_]+/[^"]+"' -r "$prefix/include/spotauth" | sed 's/#include "//; s/"$//')

PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --exists --print-errors spotauth-store ||
  fail "pkg-config cannot resolve spotauth-store"
pc_flags=$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs spotauth-store)
for want in -lspotauth_store -lspotauth_core -DBOOST_ASIO_SEPARATE_COMPILATION \
  -DBOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=8 "include/spotauth"; do
  [[ "$pc_flags" == *"$want"* ]] || fail "pkg-config spotauth-store lacks $want: $pc_flags"
done

# --- the example, built out of tree against the prefix alone ---
cmake -S "$source/examples/now_playing" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >"$work/example-configure.log" 2>&1 ||
  fail "the example does not configure against the installed package"
nice -n 15 cmake --build "$work/example" -j 1 >"$work/example-build.log" 2>&1 ||
  fail "the example does not build against the installed package"
grep -q "$source/src" "$work/example/build.ninja" && fail "the example build reaches into the source tree"

# --- a token from the stand-in, as a user would get it ---
secret=install-test-secret-0123456789
# A loopback redirect URI registered without a port matches any port (RFC 8252 section 7.3).
"$binary" fake-spotify --port 0 --client-secret "$secret" --auto-approve \
  --redirect-uri http://127.0.0.1/callback >"$work/fake.out" 2>"$work/fake.log" </dev/null &
pids+=($!)
spotify=
for _ in $(seq 100); do
  spotify=$(sed -nE 's/^fake-spotify listening on (http:.*)$/\1/p' "$work/fake.out")
  [ -n "$spotify" ] && break
  sleep 0.05
done
[ -n "$spotify" ] || fail "the stand-in did not start"
export SPOTIFY_CLIENT_ID=spotauth-demo SPOTIFY_CLIENT_SECRET=$secret
export SPOTAUTH_ACCOUNTS_URL=$spotify SPOTAUTH_API_URL=$spotify
token=$work/token.json

signed_in=
for _ in 1 2 3 4 5; do  # a random port may be taken: try another
  port=$((20000 + RANDOM % 40000))
  "$binary" token --no-browser --redirect-uri "http://127.0.0.1:$port/callback" --out "$token" \
    --timeout 30 >/dev/null 2>"$work/token.log" </dev/null &
  token_pid=$!
  url=
  for _ in $(seq 100); do
    url=$(grep -oE "$spotify/authorize\?[^ ]+" "$work/token.log" || true)
    if [ -n "$url" ] || ! kill -0 "$token_pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  if [ -z "$url" ]; then
    wait "$token_pid" || true
    continue
  fi
  pids+=("$token_pid")
  callback=$(curl -s -o /dev/null -w '%{redirect_url}' "$url")
  curl -sf -o /dev/null "$callback" || fail "the callback did not answer 200"
  wait "$token_pid" || fail "spotauth token failed"
  signed_in=1
  break
done
[ -n "$signed_in" ] || fail "spotauth token could not listen on a free port"

# --- the example against the stand-in: a fresh token, then an expired one ---
"$work/example/now_playing" "$token" >"$work/run1.log" 2>&1 || fail "now_playing failed"
grep -q '^app token: Bearer, valid for' "$work/run1.log" || fail "no app token"
grep -q '^Demo User is listening to "Windowlicker" by Aphex Twin$' "$work/run1.log" ||
  fail "now_playing did not show the demo user's track"
grep -q 'refreshed' "$work/run1.log" && fail "a fresh token was refreshed"

before=$(cat "$token")
sed -i -E 's/"expires_at":[0-9]+/"expires_at":0/' "$token"
"$work/example/now_playing" "$token" >"$work/run2.log" 2>&1 || fail "now_playing failed with an expired token"
grep -q "^refreshed the token in $token\$" "$work/run2.log" || fail "the expired token was not refreshed"
grep -q '^Demo User is listening to' "$work/run2.log" || fail "no track after the refresh"
[ "$(cat "$token")" != "$before" ] || fail "the token file was not rewritten"
grep -qE '"expires_at":[1-9][0-9]{9}' "$token" || fail "the rewritten file has no new expiry"

echo "install test: installed, built the example against the package, showed what is playing (fresh and refreshed token)"
