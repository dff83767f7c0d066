#!/usr/bin/env bash
# Sets everything up, then runs the seed model (examples/coba.snn) and draws
# its spike raster: out/spikes.npz and out/raster.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/out}"
"$root/scripts/setup.sh" "$root/build"
"$root/build/bin/snnc" run "$root/examples/coba.snn" -o "$out"
# Debian's python3 carries numpy and matplotlib (installed by setup.sh).
/usr/bin/python3 "$root/examples/plot/raster.py" "$out/spikes.npz" \
  -o "$out/raster.png"
