#!/usr/bin/env bash
# Runs clang-tidy 14 (.clang-tidy at the root) over every src/**/*.cc with the release preset's
# compile commands, rewritten for clang by scripts/lint-compdb.py into build/lint/.
# Exits non-zero on any finding (.clang-tidy sets WarningsAsErrors: '*').
# Usage: scripts/lint.sh [FILE_REGEX]...   (default: every file under src/; JOBS=n in parallel)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc)}

cmake --preset release >/dev/null  # also re-globs src/, so a new file is linted too
scripts/lint-compdb.py build/release/compile_commands.json build/lint

tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
runner=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
log=build/lint/clang-tidy.log
status=0
if [ -n "$runner" ]; then
  "$runner" -clang-tidy-binary "$tidy" -p build/lint -j "$jobs" -quiet "$@" >"$log" 2>&1 ||
    status=$?
else
  python3 -c 'import json, sys; print("\n".join(e["file"] for e in json.load(sys.stdin)))' \
    <build/lint/compile_commands.json | grep -E "$(IFS='|'; echo "${*:-.}")" |
    xargs -P "$jobs" -n 1 "$tidy" -p build/lint --quiet >"$log" 2>&1 || status=$?
fi
# run-clang-tidy always asks for colour; keep the log plain, and show findings, not chatter.
sed -i 's/\x1b\[[0-9;]*m//g' "$log"
grep -vE '^(/usr/bin/)?clang-tidy|^[0-9]+ warnings? (and [0-9]+ errors? )?generated' "$log" || true
findings=$(grep -cE '(warning|error): ' "$log" || true)
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
  echo "lint: clang-tidy failed with $findings finding(s); full log in $log" >&2
  exit 1
fi
echo "lint: clean"
