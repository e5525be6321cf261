#!/usr/bin/env bash
# Runs the whole test suite for a build preset: ctest (unit, integration, TLS, store
# conformance), then the browser test, then the stand-in's type check (tests/typecheck/).
# Tests start the servers they use (nginx, redis-server: tests/testing/) on loopback.
set -euo pipefail
preset=${1:-release}
cd "$(dirname "$0")/.."

ctest --preset "$preset" -j "$(nproc)"
if [ -f tests/browser/run.sh ]; then
  tests/browser/run.sh "build/$preset/spotauth"
fi
if [ -f tests/typecheck/run.sh ]; then
  tests/typecheck/run.sh "build/$preset/spotauth"
fi
