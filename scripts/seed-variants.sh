#!/usr/bin/env bash
# Runs the seed model (examples/coba.snn) for 10 s under brainpy.state's
# semantics and under three variants, each one line of the .snn file, and
# prints the mean rates. Expected (docs/language.md, seed-semantics.md):
# default 50.600-50.626 Hz; forward Euler about +0.1 Hz; hard reset about
# -0.05 Hz; increment before decay about +0.01 Hz.
#
#   scripts/seed-variants.sh [DURATION] [SEED]     (default: 10s 42)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
snnc="$root/build/bin/snnc"
[[ -x $snnc ]] || "$root/scripts/setup.sh" "$root/build" >/dev/null
duration=${1:-10s} seed=${2:-42}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seed_model="$root/examples/coba.snn"
variant() { # name, sed expression applied to the seed model
  sed -e "$2" "$seed_model" > "$work/$1.snn"
  grep -q "$3" "$work/$1.snn" || { echo "variant $1 did not apply" >&2; exit 1; }
}
cp "$seed_model" "$work/default.snn"
variant forward_euler 's/^neuron LIFRef {/neuron LIFRef {\n  integrator euler/; s/^synapse Expon {/synapse Expon {\n  integrator euler/' 'integrator euler'
variant hard_reset 's/reset soft to V_reset/reset hard to V_reset/' 'reset hard'
variant increment_before_decay 's/  on_pre g += w/  on_pre g += w\n  increment before decay/' 'increment before decay'

printf '%-24s %12s %12s\n' variant spikes "rate (Hz)"
for name in default forward_euler hard_reset increment_before_decay; do
  line=$("$snnc" run "$work/$name.snn" --duration "$duration" --seed "$seed" \
    --no-progress -o "$work/out-$name" | grep ' neurons ')
  spikes=$(awk '{print $4}' <<<"$line")
  rate=$(awk '{print $8}' <<<"$line")
  printf '%-24s %12s %12s\n' "$name" "$spikes" "$rate"
done
