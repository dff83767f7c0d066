#!/usr/bin/env bash
# Sets everything up, then runs the seed model (examples/coba.snn) and draws
# its spike raster and rate: out/spikes.npz, out/raster.png, out/rate.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/out}"
"$root/scripts/setup.sh" "$root/build"
"$root/build/bin/snnc" run "$root/examples/coba.snn" -o "$out"
# Its raster and population rate: out/raster.png, out/rate.png (the system
# Python with Debian's matplotlib, installed by setup.sh).
"$root/build/bin/snnc" plot "$out" --kind raster,rate
