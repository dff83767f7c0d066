#!/usr/bin/env bash
# Sets everything up, then builds and runs the whole test suite (ctest) in
# three trees, each reused by the next run:
#
#   build/       the Release build: every test
#   build-asan/  the same code under AddressSanitizer and UBSan
#                (SNNC_SANITIZE): every test again
#   build-fuzz/  clang, front end only (SNNC_FUZZ): a short libFuzzer run of
#                the front end and of --set values; skipped without clang++
#
# SNNC_TEST_ASAN=0 or SNNC_TEST_FUZZ=0 leaves a checking tree out (a quick
# local loop; CI runs all three). docs/testing.md has the details.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"

# timed WHAT COMMAND...: runs it and says how long it took (CI's budget).
timed() {
  local what=$1 start=$SECONDS
  shift
  echo "== snnc test: $what ($(date +%T))"
  "$@"
  echo "== snnc test: $what: $((SECONDS - start)) s"
}
tests_in() { (cd "$1" && ctest --output-on-failure -j"$jobs"); }

timed "build build/" "$root/scripts/setup.sh" "$root/build"
timed "test build/" tests_in "$root/build"

if [[ ${SNNC_TEST_ASAN:-1} != 0 ]]; then
  timed "build build-asan/ (AddressSanitizer, UBSan)" \
    "$root/scripts/setup.sh" "$root/build-asan" -DSNNC_SANITIZE=ON
  timed "test build-asan/" tests_in "$root/build-asan"
fi

if [[ ${SNNC_TEST_FUZZ:-1} != 0 ]]; then
  if command -v clang++ >/dev/null; then
    timed "build build-fuzz/ (clang, libFuzzer)" \
      env CC=clang CXX=clang++ "$root/scripts/setup.sh" "$root/build-fuzz" \
      -DSNNC_FUZZ=ON
    timed "fuzz smoke runs in build-fuzz/" tests_in "$root/build-fuzz"
  else
    echo "snnc test: clang++ not found: skipping the fuzz smoke runs"
  fi
fi
echo "== snnc test: all passed in $SECONDS s"
