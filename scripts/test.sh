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

stage() { echo "== snnc test: $1 ($(date +%T))"; }

stage "build/"
"$root/scripts/setup.sh" "$root/build"
(cd "$root/build" && ctest --output-on-failure -j"$jobs")

if [[ ${SNNC_TEST_ASAN:-1} != 0 ]]; then
  stage "build-asan/ (AddressSanitizer, UBSan)"
  "$root/scripts/setup.sh" "$root/build-asan" -DSNNC_SANITIZE=ON
  (cd "$root/build-asan" && ctest --output-on-failure -j"$jobs")
fi

if [[ ${SNNC_TEST_FUZZ:-1} != 0 ]]; then
  if command -v clang++ >/dev/null; then
    stage "build-fuzz/ (libFuzzer smoke runs)"
    CC=clang CXX=clang++ "$root/scripts/setup.sh" "$root/build-fuzz" \
      -DSNNC_FUZZ=ON
    (cd "$root/build-fuzz" && ctest --output-on-failure -j"$jobs")
  else
    echo "snnc test: clang++ not found: skipping the fuzz smoke runs"
  fi
fi
stage "all passed"
