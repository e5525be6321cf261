#!/usr/bin/env bash
# Fails when a file under src/ includes a layer it may not depend on (README.md, Layout):
# dependencies point down only, and the stand-in Spotify stays out of the product libraries.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [core]="core"
  [http]="core http"
  [store]="core store"
  [spotify]="core http spotify"
  [fake_spotify]="core http fake_spotify"
  [server]="core http store spotify server"
  [cli]="core http store spotify fake_spotify server cli"
  [boost]=""
)

bad=0
for dir in src/*/; do
  layer=$(basename "$dir")
  if [ -z "${allowed[$layer]+set}" ]; then
    echo "check-layers: src/$layer is not a known layer; add it to scripts/check-layers.sh" >&2
    bad=1
    continue
  fi
  while IFS=: read -r file included; do
    target=${included%%/*}
    case " ${allowed[$layer]} " in
      *" $target "*) ;;
      *) echo "check-layers: $file includes $included ($layer may not depend on $target)" >&2; bad=1 ;;
    esac
  done < <(grep -HoE '^#include "[a-z_]+/[^"]+"' -r "$dir" | sed 's/#include "//; s/"$//')
done
if [ "$bad" -ne 0 ]; then exit 1; fi
echo "check-layers: every include points down"
