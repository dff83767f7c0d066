#!/usr/bin/env bash
# ===- setup-venv.sh - A Python environment with BrainPy for snnc-bench ---===#
#
# Creates (or brings up to date) a virtual environment with BrainPy, its
# brainstate/brainunit/braintools/brainevent ecosystem and JAX for the CPU,
# at the versions in requirements.txt beside this script, for
# `snnc-bench --brainpy`. Safe to run again: an existing environment is
# reused and pip installs only what is missing or at another version.
#
#   bench/brainpy/setup-venv.sh [VENV]   # default: build-bench/brainpy-venv
#
# VENV is relative to the repository root unless absolute. The Python that
# creates it is $PYTHON, else Debian's /usr/bin/python3, else python3 on
# PATH; Debian's needs python3-venv, installed here with apt-get if it is
# missing (as root). Needs PyPI.
#
# ===----------------------------------------------------------------------===#
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-build-bench/brainpy-venv}"
case "$venv" in
/*) ;;
*) venv="$root/$venv" ;;
esac

python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x /usr/bin/python3 ]; then
    python=/usr/bin/python3
  else
    python="$(command -v python3)"
  fi
fi

if [ ! -x "$venv/bin/python" ] ||
  ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  # A broken environment is made anew; anything else in the way is left
  # alone.
  if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ] &&
    [ -n "$(ls -A "$venv" 2>/dev/null)" ]; then
    echo "setup-venv.sh: $venv exists and is not a virtual environment" >&2
    exit 1
  fi
  echo "setup-venv.sh: creating $venv with $("$python" --version 2>&1)" >&2
  mkdir -p "$(dirname "$venv")"
  if ! "$python" -m venv --clear "$venv"; then
    # Debian keeps venv's pip (ensurepip's wheels) in python3-venv.
    if [ "$python" = /usr/bin/python3 ] && command -v apt-get >/dev/null &&
      [ "$(id -u)" = 0 ]; then
      echo "setup-venv.sh: installing python3-venv" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      "$python" -m venv --clear "$venv"
    else
      echo "setup-venv.sh: $python cannot create virtual environments" \
        "(on Debian: apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
fi

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r "$here/requirements.txt"

# What snnc-bench needs from it, imported once (also a smoke test).
"$venv/bin/python" - <<'PY'
import jax, numba, brainevent, brainpy, brainstate, braintools, brainunit
import brainpy.state
import sys
print("setup-venv.sh: brainpy %s, brainstate %s, brainevent %s, brainunit %s,"
      " braintools %s, jax %s, numba %s (%s)"
      % (brainpy.__version__, brainstate.__version__, brainevent.__version__,
         brainunit.__version__, braintools.__version__, jax.__version__,
         numba.__version__, jax.devices()[0].platform), file=sys.stderr)
PY
echo "setup-venv.sh: ready: $venv/bin/python" >&2
