#!/usr/bin/env bash
# Sets everything up, then runs the seed model (examples/coba.snn).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" "$root/build"
"$root/build/bin/snnc" check "$root/examples/coba.snn"
