#!/usr/bin/env bash
# Fuzzes every libFuzzer target in tests/fuzz/ for a bounded time each, one after the other, and
# prints one line per target: executions, executions per second, and the verdict.
#
#   scripts/fuzz-all.sh [SECONDS_PER_TARGET]     default 60; the test command runs 30
#   scripts/fuzz-all.sh 3600                     an hour each, for a longer campaign
#
# Each target builds and keeps its grown corpus under build/fuzz-all/<target>/ (FUZZ_ALL_DIR to
# change). A crash stops nothing else: every target runs, then the exit status is 1 and the
# crashing inputs are listed. To keep a crash fixed, copy its input into
# tests/fuzz/corpus/<target>/ once the bug is fixed: ctest replays that folder in every build.
# Needs clang++ and libFuzzer's runtime (Debian: clang libclang-rt-14-dev); without them it
# says SKIPPED and exits 77, or fails where NETDIAG_TEST_REQUIRE is "all" or names clang (CI).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
out=${FUZZ_ALL_DIR:-$root/build/fuzz-all}
# The two with the longest builds first (wasm and report compile most of the lint and the
# report reader), so the short builds fill the time after them instead of adding to it.
targets=(wasm report spice zenoh)

skip() {
    case ",${NETDIAG_TEST_REQUIRE:-}," in
    *,all,* | *,clang,*) echo "FAILED: clang is required (NETDIAG_TEST_REQUIRE) but $*"; exit 1 ;;
    esac
    echo "SKIPPED: $*"
    exit 77
}
if ! command -v "${FUZZ_CXX:-clang++}" >/dev/null 2>&1; then
    skip "fuzzing needs clang++ (Debian packages clang libclang-rt-14-dev)"
fi
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
    >"$probe_dir/probe.cpp"
if ! "${FUZZ_CXX:-clang++}" -fsanitize=fuzzer "$probe_dir/probe.cpp" -o "$probe_dir/probe" 2>/dev/null; then
    skip "clang++ cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"
fi

# Each target builds and fuzzes on one core; up to FUZZ_JOBS (default: every core) run at once.
fuzz_one() {
    local target=$1 dir="$out/$1" start=$SECONDS status=0
    mkdir -p "$dir"
    FUZZ_BUILD_DIR=$dir "$root/tests/fuzz/run_fuzz.sh" "$target" "$seconds" >"$dir/run.log" 2>&1 ||
        status=$?
    echo "$status $((SECONDS - start))" >"$dir/outcome"
}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
running=0
for target in "${targets[@]}"; do
    rm -f "$out/$target/outcome"
    fuzz_one "$target" &
    running=$((running + 1))
    if [[ $running -ge $jobs ]]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

summary=()
crashes=()
failed=0
for target in "${targets[@]}"; do
    dir="$out/$target"
    read -r status took <"$dir/outcome" 2>/dev/null || { status=1; took=0; }
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" 2>/dev/null | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" 2>/dev/null | tail -1)
    corpus=$(find "$dir/corpus" -type f | wc -l)
    if [[ $status -eq 0 ]]; then
        verdict="no finding"
    else
        verdict="FAILED (exit $status, log $dir/run.log)"
        failed=1
        while IFS= read -r f; do crashes+=("$f"); done < <(find "$dir" -maxdepth 1 -type f \
            \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \))
        tail -40 "$dir/run.log"
    fi
    summary+=("$(printf '%-8s %12s %10s %8s %6ss  %s' "$target" "${runs:-?}" "${rate:-?}" \
        "$corpus" "$took" "$verdict")")
done

printf '%-8s %12s %10s %8s %7s  %s\n' target executions exec/s corpus wall verdict
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
    echo "inputs that failed (reproduce: tests/fuzz/run_fuzz.sh <target> 0 FILE):"
    printf '  %s\n' "${crashes[@]}"
fi
exit $failed
