#!/usr/bin/env bash
# Installs what snnc needs on Debian 12 (as root, or with sudo) and builds it.
# Idempotent: installs only missing packages, reuses the build directory.
#
#   scripts/setup.sh [BUILD_DIR [CMAKE_ARG...]]      (default: build)
#
# CMAKE_ARGs apply when BUILD_DIR is configured, the first time: for
# example -DSNNC_SANITIZE=ON, or -DSNNC_FUZZ=ON with CC=clang CXX=clang++
# in the environment (scripts/test.sh builds both trees this way).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift $(($# ? 1 : 0))

packages=(
  cmake ninja-build ccache g++ pkg-config
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  libeigen3-dev libgtest-dev nlohmann-json3-dev
  python3 python3-numpy python3-matplotlib
  clang libclang-rt-14-dev
)
# clang and its runtime libraries (libFuzzer, clang's sanitizers; a
# Recommends of clang, so named here) build the fuzzers of tests/fuzz.

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "snnc setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
fi
# Two parallel jobs per core at most: MLIR translation units need ~1.5 GB.
cmake --build "$build" -- -j"$(nproc)"
