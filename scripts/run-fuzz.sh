#!/usr/bin/env bash
# Runs every libFuzzer target in build/fuzz for SECONDS each (default 30), starting from its
# checked-in seeds (fuzz/corpus/<target>/) and the corpus grown by earlier runs
# (build/fuzz/corpus/<target>/). Stops at the first finding; its input is in build/fuzz/artifacts/.
set -euo pipefail
seconds=${1:-30}
cd "$(dirname "$0")/.."

targets=(build/fuzz/*_fuzz)
[ -x "${targets[0]}" ] || { echo "run-fuzz: no fuzz targets in build/fuzz (cmake --build --preset fuzz)" >&2; exit 2; }
mkdir -p build/fuzz/artifacts
for target in "${targets[@]}"; do
  name=$(basename "$target")
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=("-dict=fuzz/$name.dict")
  echo "run-fuzz: $name for ${seconds}s"
  # The first directory is where libFuzzer adds new inputs; the seeds are only read.
  if ! "$target" -max_total_time="$seconds" -timeout=20 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="build/fuzz/artifacts/$name-" "$corpus" "${seeds[@]}" \
      >"build/fuzz/$name.log" 2>&1; then
    tail -n 60 "build/fuzz/$name.log"
    echo "run-fuzz: $name FOUND A PROBLEM; input in build/fuzz/artifacts/, log build/fuzz/$name.log" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "build/fuzz/$name.log" | tail -n 2 || true
done
echo "run-fuzz: ${#targets[@]} targets, ${seconds}s each, no finding"
