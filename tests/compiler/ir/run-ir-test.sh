#!/usr/bin/env bash
# Runs the `// RUN:` line of an IR test, as lit would for this one case:
#   run-ir-test.sh FILE SNN_OPT FILECHECK
set -euo pipefail
file=$1 snn_opt=$2 filecheck=$3
run=$(sed -n 's|^// RUN: ||p' "$file")
[[ -n $run ]] || { echo "no RUN line in $file" >&2; exit 1; }
run=${run//%s/$file}
run=${run//snn-opt/$snn_opt}
run=${run//FileCheck/$filecheck}
echo "$run"
eval "$run"
