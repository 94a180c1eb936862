#!/usr/bin/env bash
# Benchmarks the wasi-af lint on a generated ~50 MB module against wabt's wasm-validate (decodes
# and type-checks every function), wasm-objdump -d (disassembles every function), -x (every
# section's details) and -h (section headers only), side by side: wall time, CPU time and peak
# resident memory of each process.
#
#   bench/wasm_lint.sh [NETDIAG_BINARY] [MEGABYTES]
#   NETDIAG_BINARY defaults to a Release build in build/bench (made if missing); MEGABYTES to 50.
# Each tool runs 3 times on a warm page cache; the best wall time is reported. QUICK=1 leaves out
# wasm-validate and wasm-objdump -d (a minute each on a loaded machine) to compare netdiag with
# wasm-objdump -x and -h only.
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
for tool in wasm-objdump wasm-validate; do
    command -v $tool >/dev/null || { echo "$tool not found (apt-get install wabt)" >&2; exit 2; }
done
[[ -f $module ]] || python3 "$root/bench/make_big_wasm.py" "$module" "$megabytes"
bytes=$(stat -c %s "$module")
cat "$module" >/dev/null  # warm the page cache

report="$work/report.json"
"$netdiag" probe wasi-af --format json -o "$report" --wasm "$module" >/dev/null 2>&1 || true

python3 - "$report" "$bytes" "$netdiag" "$module" "${QUICK:-0}" <<'PY'
import json, os, subprocess, sys, time
report, size, netdiag, module = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
quick = sys.argv[5] == "1"

def best_of_3(cmd):
    """Best wall time, best CPU time (user + system) and largest peak RSS (MB) of three runs."""
    best, best_cpu, peak = None, None, 0.0
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        t = time.perf_counter() - start
        cpu = usage.ru_utime + usage.ru_stime
        best = t if best is None or t < best else best
        best_cpu = cpu if best_cpu is None or cpu < best_cpu else best_cpu
        peak = max(peak, usage.ru_maxrss / 1024)
    return best, best_cpu, peak

runs = [("netdiag probe wasi-af (whole process)", [netdiag, "probe", "wasi-af", "-q", "--wasm", module]),
        ("wasm-validate (decode + type-check)", ["wasm-validate", module]),
        ("wasm-objdump -d (disassemble)", ["wasm-objdump", "-d", module]),
        ("wasm-objdump -x (all details)", ["wasm-objdump", "-x", module]),
        ("wasm-objdump -h (section headers)", ["wasm-objdump", "-h", module])]
if quick:
    runs = [r for r in runs if not r[0].startswith(("wasm-validate", "wasm-objdump -d"))]
results = [(name, best_of_3(cmd)) for name, cmd in runs]
probe = next(p for p in json.load(open(report))["probes"] if p["id"] == "wasi-af")
m = probe["measurements"]["files"][0]
mb = size / 1e6
print(f"module: {mb:.1f} MB, {m.get('functions')} functions, {m.get('socket_functions')} calling "
      f"sockets, {m.get('socket_calls')} socket calls ({m.get('socket_calls_judged')} judged), "
      f"{m.get('walks')} walks ({m.get('walks_shared', 0)} more roots sharing one), "
      f"{m.get('instructions_walked')} steps, "
      f"findings: {len(probe['findings'])}")
print(f"netdiag inside the probe: load {m['load_ms']:.0f} ms, parse {m['parse_ms']:.0f} ms, "
      f"lint {m['lint_ms']:.0f} ms ({mb / ((m['parse_ms'] + m['lint_ms']) / 1e3):.0f} MB/s)")
t_nd = results[0][1]
print(f"{'tool':<40}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}{'MB/s':>7}{'wall vs netdiag':>17}")
for name, (t, cpu, rss) in results:
    print(f"{name:<40}{t:>8.3f}{cpu:>8.3f}{rss:>9.0f}{mb / t:>7.0f}{t / t_nd[0]:>16.2f}x")
PY
