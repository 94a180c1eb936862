#!/usr/bin/env bash
# Benchmarks the wasi-af lint on a generated ~50 MB module against wabt's wasm-objdump -h
# (section headers only) and -x (every section's details), in one invocation.
#
#   bench/wasm_lint.sh [NETDIAG_BINARY] [MEGABYTES]
#   NETDIAG_BINARY defaults to a Release build in build/bench (made if missing); MEGABYTES to 50.
# Each tool runs 3 times on a warm page cache; the best wall time is reported.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
netdiag=${1:-$root/build/bench/src/cli/netdiag}
megabytes=${2:-50}
work=${BENCH_DIR:-$root/build/bench-wasm}
mkdir -p "$work"
module="$work/big_${megabytes}mb.wasm"

if [[ -z ${1:-} && ! -x $netdiag ]]; then
    cmake -S "$root" -B "$root/build/bench" -DCMAKE_BUILD_TYPE=Release -DNETDIAG_BUILD_TESTS=OFF >/dev/null
    cmake --build "$root/build/bench" -j2 --target netdiag >/dev/null
fi
[[ -x $netdiag ]] || { echo "netdiag binary not found: $netdiag" >&2; exit 2; }
command -v wasm-objdump >/dev/null || { echo "wasm-objdump not found (apt-get install wabt)" >&2; exit 2; }
[[ -f $module ]] || python3 "$root/bench/make_big_wasm.py" "$module" "$megabytes"
bytes=$(stat -c %s "$module")
cat "$module" >/dev/null  # warm the page cache

report="$work/report.json"
"$netdiag" probe wasi-af --format json -o "$report" --wasm "$module" >/dev/null 2>&1 || true

python3 - "$report" "$bytes" "$netdiag" "$module" <<'PY'
import json, resource, subprocess, sys, time
report, size, netdiag, module = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def best_of_3(cmd):
    """Best wall time and best CPU time (user + system) of three runs."""
    best, best_cpu = None, None
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = t if best is None or t < best else best
        best_cpu = cpu if best_cpu is None or cpu < best_cpu else best_cpu
    return best, best_cpu

t_nd = best_of_3([netdiag, "probe", "wasi-af", "-q", "--wasm", module])
t_h = best_of_3(["wasm-objdump", "-h", module])
t_x = best_of_3(["wasm-objdump", "-x", module])
probe = next(p for p in json.load(open(report))["probes"] if p["id"] == "wasi-af")
m = probe["measurements"]["files"][0]
mb = size / 1e6
print(f"module: {mb:.1f} MB, {m.get('functions')} functions, {m.get('socket_functions')} "
      f"walked, {m.get('socket_calls')} socket calls, findings: {len(probe['findings'])}")
print(f"netdiag inside the probe: load {m['load_ms']:.0f} ms, parse {m['parse_ms']:.0f} ms, "
      f"lint {m['lint_ms']:.0f} ms ({mb / ((m['parse_ms'] + m['lint_ms']) / 1e3):.0f} MB/s)")
print(f"{'tool':<40}{'wall s':>8}{'cpu s':>8}{'MB/s':>8}{'wall vs netdiag':>17}"
      f"{'cpu vs netdiag':>16}")
for name, (t, cpu) in (("netdiag probe wasi-af (whole process)", t_nd),
                       ("wasm-objdump -h (section headers)", t_h),
                       ("wasm-objdump -x (all details)", t_x)):
    print(f"{name:<40}{t:>8.3f}{cpu:>8.3f}{mb / t:>8.0f}{t / t_nd[0]:>16.2f}x"
          f"{cpu / max(t_nd[1], 1e-6):>15.2f}x")
PY
