#!/usr/bin/env bash
# Installs the Debian 12 packages spotauth needs, skipping those already present.
# Usage: scripts/install-deps.sh [build|test|bench|browser|fuzz|lint]...   (default: build)
set -euo pipefail

build_pkgs=(build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libhiredis-dev libcli11-dev libspdlog-dev libfmt-dev
  libexpected-dev libgtest-dev libgmock-dev libbenchmark-dev)
test_pkgs=(nginx-light redis-server openssl curl systemd prometheus)  # prometheus: promtool
bench_pkgs=(nginx-light wrk curl redis-server)
browser_pkgs=(chromium nodejs npm)
fuzz_pkgs=(clang libclang-rt-dev)
lint_pkgs=(clang-tidy)  # clang-tidy 14 and run-clang-tidy (pulls in python3)

want=("${build_pkgs[@]}")
for group in "$@"; do
  case "$group" in
    build) ;;
    test) want+=("${test_pkgs[@]}") ;;
    bench) want+=("${bench_pkgs[@]}") ;;
    browser) want+=("${browser_pkgs[@]}") ;;
    fuzz) want+=("${fuzz_pkgs[@]}") ;;
    lint) want+=("${lint_pkgs[@]}") ;;
    *) echo "unknown package group: $group" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# node and npm may come from elsewhere on a developer machine; only ask apt when absent.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null || filtered+=("$p") ;;
    npm) command -v npm >/dev/null || filtered+=("$p") ;;
    *) filtered+=("$p") ;;
  esac
done
[ ${#filtered[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${filtered[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${filtered[@]}"
