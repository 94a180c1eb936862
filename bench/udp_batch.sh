#!/bin/sh
# Compares netdiag's udp-batch throughput with a reference tool on the same loopback, in the
# same invocation, with the same datagram size:
#   bench/udp_batch.sh [SIZE] [SECONDS]
# NETDIAG=path/to/netdiag selects the binary (default: a Release build in build/bench, made if
# missing). The reference is `iperf3 -u -b 0` (apt-get install iperf3); if it is missing,
# `sockperf throughput` (apt-get install sockperf). Prints both figures and their ratios.
set -eu
size=${1:-1400}
seconds=${2:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
netdiag=${NETDIAG:-$root/build/bench/src/cli/netdiag}
if [ ! -x "$netdiag" ]; then
    cmake -S "$root" -B "$root/build/bench" -DCMAKE_BUILD_TYPE=Release -DNETDIAG_BUILD_TESTS=OFF >/dev/null
    cmake --build "$root/build/bench" -j2 --target netdiag >/dev/null
fi
port=$((47200 + $$ % 500))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reference first, then netdiag, so each has the host to itself.
if command -v iperf3 >/dev/null 2>&1; then
    ref_name="iperf3 -u -b 0 -l $size"
    iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    server=$!
    sleep 0.3
    iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l "$size" -t "$seconds" -J >"$work/ref.json"
    wait "$server" || true
    ref_pps=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["end"].get("sum_sent") or r["end"]["sum"]
print(s["packets"] / s["seconds"])' "$work/ref.json")
elif command -v sockperf >/dev/null 2>&1; then
    ref_name="sockperf throughput -m $size"
    sockperf server -i 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    server=$!
    sleep 0.3
    sockperf throughput -i 127.0.0.1 -p "$port" -m "$size" -t "$seconds" >"$work/ref.txt" 2>&1
    kill "$server" 2>/dev/null || true
    ref_pps=$(sed -n 's/.*Message Rate is \([0-9.]*\) \[msg\/sec\].*/\1/p' "$work/ref.txt" | head -1)
else
    echo "no reference tool: apt-get install iperf3 (or sockperf)" >&2
    exit 2
fi

ms=$((seconds * 1000))
timeout=$((seconds * 4 + 5))
"$netdiag" probe udp-batch --format json --udp-size "$size" --udp-measure-ms "$ms" \
    --timeout "${timeout}s" >"$work/netdiag.json" || true

python3 - "$work/netdiag.json" "$ref_pps" "$ref_name" "$size" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
ref_pps, ref_name, size = float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
probe = report["probes"][0]
paths = {p["path"]: p for p in probe["measurements"]["paths"]}
def rate(name):
    t = paths.get(name, {}).get("throughput")
    return (t["datagrams_per_second"], t["gbit_per_second"], t["syscalls"], t["cpu_seconds"]) if t else None
gbit = lambda pps: pps * size * 8 / 1e9
print(f"udp-batch benchmark on loopback, {size}-byte datagrams")
print(f"  {'sender':34} {'datagrams/s':>12} {'Gbit/s':>8} {'syscalls':>9} {'cpu s':>6}")
print(f"  {ref_name:34} {ref_pps:12.0f} {gbit(ref_pps):8.2f}")
for name in ("per-datagram", "multi-message", "segmentation-cmsg", "segmentation-sockopt"):
    r = rate(name)
    if r:
        print(f"  {'netdiag ' + name:34} {r[0]:12.0f} {r[1]:8.2f} {r[2]:9d} {r[3]:6.2f}")
    else:
        print(f"  {'netdiag ' + name:34} {'not measured':>12}")
unbatched = rate("per-datagram")
if unbatched:
    print(f"  unbatched / reference      = {unbatched[0] / ref_pps:.2f}  (target >= 1.0)")
    for name in ("multi-message", "segmentation-cmsg", "segmentation-sockopt"):
        r = rate(name)
        if r:
            print(f"  {name + ' / unbatched':26} = {r[0] / unbatched[0]:.2f}" +
                  ("  (target >= 2)" if name.startswith("segmentation") else ""))
PY
