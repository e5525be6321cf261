#!/usr/bin/env bash
# Checks deploy/systemd/spotauth.service with systemd's own tools, offline (no running systemd
# needed): `systemd-analyze verify` must be silent (it only warns about unknown keys and typos,
# with exit code 0), and `systemd-analyze security` must rate the sandbox at most 2.0 ("OK").
# The unit is checked as shipped, with ExecStart pointed at BINARY (verify wants it to exist)
# and the environment file made optional (it holds secrets only a real host has).
# Usage: scripts/check-systemd-unit.sh BINARY
set -euo pipefail
binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found (apt-get install systemd; make test installs it)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed -e "s|^ExecStart=/usr/local/bin/spotauth|ExecStart=$binary|" \
    -e "s|^EnvironmentFile=/|EnvironmentFile=-/|" \
    "$root/deploy/systemd/spotauth.service" >"$dir/spotauth.service"
grep -q "^ExecStart=$binary serve" "$dir/spotauth.service" || { echo "the unit's ExecStart changed; update this check" >&2; exit 1; }
out=$(systemd-analyze verify "$dir/spotauth.service" 2>&1) || { echo "$out" >&2; exit 1; }
[ -z "$out" ] || { echo "systemd-analyze verify complained:" >&2; echo "$out" >&2; exit 1; }
exposure=$(systemd-analyze security --offline=true "$dir/spotauth.service" 2>&1 | sed -n 's/.*Overall exposure level for spotauth.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || { echo "systemd-analyze security gave no rating" >&2; exit 1; }
awk -v e="$exposure" 'BEGIN {exit !(e <= 2.0)}' || { echo "exposure $exposure is above 2.0" >&2; exit 1; }
echo "spotauth.service: systemd-analyze verify clean; security exposure $exposure"
