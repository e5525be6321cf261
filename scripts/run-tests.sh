#!/usr/bin/env bash
# Runs the whole test suite for a build preset: ctest (unit, integration, TLS, store
# conformance), then the browser test, then the stand-in's type check (tests/typecheck/).
# Starts a redis-server on loopback for the Redis conformance suite when none is given in
# SPOTAUTH_TEST_REDIS.
set -euo pipefail
preset=${1:-release}
cd "$(dirname "$0")/.."

cleanup() { [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${SPOTAUTH_TEST_REDIS:-}" ] && command -v redis-server >/dev/null; then
  port=$((20000 + RANDOM % 20000))
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    >/tmp/spotauth-test-redis.log 2>&1 &
  redis_pid=$!
  export SPOTAUTH_TEST_REDIS="redis://127.0.0.1:$port/0"
fi

ctest --preset "$preset" -j "$(nproc)"
if [ -f tests/browser/run.sh ]; then
  tests/browser/run.sh "build/$preset/spotauth"
fi
if [ -f tests/typecheck/run.sh ]; then
  tests/typecheck/run.sh "build/$preset/spotauth"
fi
