#!/usr/bin/env bash
# Builds the unit and handler-level suites in the fuzz build (clang, ASan + UBSan, any finding
# fatal; the same build as the fuzz targets, so CI compiles it once) and runs each binary.
# These suites start no servers of their own except redis-server and loopback listeners, so
# a finding points at our code. Usage (after `cmake --preset fuzz`, as `make test-sanitized`
# does): scripts/run-sanitized-suites.sh   (JOBS=n in parallel)
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(core_tests http_tests store_tests spotify_tests fake_spotify_tests server_tests)

cmake --build build/fuzz -j "${JOBS:-$(nproc)}" --target "${suites[@]}"

export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
total=0
for suite in "${suites[@]}"; do
  log=build/fuzz/$suite.log
  if ! "build/fuzz/tests/$suite" --gtest_brief=1 >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "sanitized: $suite FAILED under ASan + UBSan; log in $log" >&2
    exit 1
  fi
  passed=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\.$/\1/p' "$log")
  [ -n "$passed" ] || { tail -n 20 "$log"; echo "sanitized: $suite printed no result" >&2; exit 1; }
  echo "sanitized: $suite: $passed tests passed"
  total=$((total + passed))
done
echo "sanitized: ${#suites[@]} suites, $total tests passed under ASan + UBSan"
