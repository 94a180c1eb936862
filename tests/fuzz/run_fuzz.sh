#!/usr/bin/env bash
# Builds tests/fuzz/fuzz_<target>.cpp with clang++ -fsanitize=fuzzer,address,undefined and runs
# it for <seconds> on the seed corpus tests/fuzz/corpus/<target>/.
#
#   tests/fuzz/run_fuzz.sh <target> <seconds> [extra libFuzzer arguments...]
#   tests/fuzz/run_fuzz.sh wasm 600
#   tests/fuzz/run_fuzz.sh wasm 0 build/fuzz-wasm/crash-…     # reproduce one input
#
# The target file names the sources it needs in comment lines:
#   // fuzz-sources: src/proto/x/a.cpp src/proto/x/b.cpp     (paths from the repository root)
#   // fuzz-libs: -lfmt                                      (optional link flags)
# and may have a dictionary at tests/fuzz/<target>.dict.
# New inputs go to $FUZZ_BUILD_DIR/corpus (default build/fuzz-<target>/corpus), never into the
# checked-in seeds. Needs Debian packages clang and libclang-rt-14-dev (or -dev of the clang in
# use). Exit status: 0 when the run found nothing, non-zero when libFuzzer reported a crash.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 <target> <seconds> [libFuzzer args...]" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source_file="$root/tests/fuzz/fuzz_$target.cpp"
[[ -f $source_file ]] || { echo "no fuzz target $source_file" >&2; exit 2; }
out=${FUZZ_BUILD_DIR:-$root/build/fuzz-$target}
cxx=${FUZZ_CXX:-clang++}
mkdir -p "$out/corpus"

sources=()
for s in $(sed -n 's#^// fuzz-sources:##p' "$source_file"); do sources+=("$root/$s"); done
libs=$(sed -n 's#^// fuzz-libs:##p' "$source_file" | tr '\n' ' ')

echo "== building $out/fuzz_$target"
# Line tables only: a crash's stack still names file and line, and the build is shorter.
# shellcheck disable=SC2086
"$cxx" -std=c++20 -gline-tables-only -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/include" -I"$root/src" \
    "$source_file" "${sources[@]}" -o "$out/fuzz_$target" $libs

args=(-artifact_prefix="$out/" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10)
[[ -f $root/tests/fuzz/$target.dict ]] && args+=(-dict="$root/tests/fuzz/$target.dict")
seeds="$root/tests/fuzz/corpus/$target"
inputs=("$out/corpus")
[[ -d $seeds ]] && inputs+=("$seeds")

# An explicit file argument means: reproduce, do not fuzz.
if [[ $# -gt 0 && -f ${1:-} ]]; then
    exec "$out/fuzz_$target" "$@"
fi

echo "== fuzzing $target for ${seconds}s (corpus: ${inputs[*]})"
start=$(date +%s)
set +e
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/fuzz_$target" "${args[@]}" -max_total_time="$seconds" "$@" "${inputs[@]}" \
    2>&1 | tee "$out/fuzz.log"
status=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz.log" | tail -1)
echo "== $target: ${runs:-?} executions in ${elapsed}s (${rate:-?} exec/s), exit status $status"
exit "$status"
