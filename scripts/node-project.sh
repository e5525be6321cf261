# Sourced by the node-based test scripts (tests/browser/run.sh, tests/typecheck/run.sh).

# The script's one argument, the spotauth binary, checked and made absolute.
# Usage: binary=$(node_test_binary LABEL "$@")   (errors start with LABEL)
node_test_binary() {
  local label=$1
  shift
  [ $# -eq 1 ] || { echo "usage: $0 path/to/spotauth" >&2; exit 2; }
  local binary
  binary=$(realpath "$1")
  [ -x "$binary" ] || { echo "$label: no spotauth binary at $binary (build it first)" >&2; exit 1; }
  echo "$binary"
}

# Checks that node and npm are there and installs a project's packages exactly as its lock file
# says, again whenever the lock file changed. Usage: node_project DIR LABEL
node_project() {
  local dir=$1 label=$2
  local hint="install it with 'scripts/install-deps.sh browser' (make test does)"
  command -v node >/dev/null || { echo "$label: node not found; $hint" >&2; exit 1; }
  command -v npm >/dev/null || { echo "$label: npm not found; $hint" >&2; exit 1; }
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund) || { echo "$label: npm ci failed in $dir" >&2; exit 1; }
  fi
}
