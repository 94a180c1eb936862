#!/usr/bin/env bash
# Connections per second through the shared-accept probe's client, beside ApacheBench (`ab`,
# Debian package apache2-utils) against the same worker program on the same loopback, in one
# invocation:
#
#   bench/shared_accept.sh [WORKERS] [CONNECTIONS] [CONCURRENCY]
#
# netdiag's figure comes from `netdiag probe shared-accept --accept-pattern reuseport`: the probe
# starts WORKERS `netdiag accept-worker` processes, each with its own SO_REUSEPORT listener,
# and its client makes CONNECTIONS connections, CONCURRENCY at a time, each reading the id of
# the worker that served it. The reference starts the same workers by hand in HTTP reply mode
# (`--reply http`: a minimal HTTP/1.1 answer with the worker id as body) and lets `ab` make the
# same number of connections with the same concurrency (one request per connection, no
# keep-alive), so both measure accept + one short reply + close.
# NETDIAG=path/to/netdiag selects the binary (default: a Release build in build/bench, made if
# missing).
set -euo pipefail
workers=${1:-4}
connections=${2:-10000}
concurrency=${3:-8}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
netdiag=${NETDIAG:-$root/build/bench/src/cli/netdiag}
if [[ ! -x $netdiag ]]; then
    cmake -S "$root" -B "$root/build/bench" -DCMAKE_BUILD_TYPE=Release -DNETDIAG_BUILD_TESTS=OFF >/dev/null
    cmake --build "$root/build/bench" -j2 --target netdiag >/dev/null
fi
command -v ab >/dev/null || { echo "ab not found: apt-get install apache2-utils" >&2; exit 2; }
work=$(mktemp -d)
feeders=()
cleanup() {
    # Closing the workers' stdin (killing the feeders) is how a worker is told to stop.
    for pid in "${feeders[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# netdiag's own client first.
"$netdiag" probe shared-accept --accept-pattern reuseport --accept-workers "$workers" \
    --accept-connections "$connections" --accept-concurrency "$concurrency" --timeout 60s \
    --format json -q -o "$work/netdiag.json" || true

# The reference: the same workers, started by hand, answered by ab.
port=$((40000 + $$ % 20000))
for ((id = 0; id < workers; id++)); do
    sleep 120 | "$netdiag" accept-worker --pattern reuseport --id "$id" --address 127.0.0.1 \
        --port "$port" --reply http --lifetime-ms 120000 >"$work/worker-$id.out" &
    feeders+=($!)
done
for _ in $(seq 50); do
    ready=$(cat "$work"/worker-*.out 2>/dev/null | grep -c '"ready"' || true)
    [[ $ready -ge $workers ]] && break
    sleep 0.1
done
# The probe's connections are in TIME_WAIT now; with both runs the loopback's ephemeral ports
# (about 28,000) would run out, so the default count stays well below half of them.
ab -q -n "$connections" -c "$concurrency" "http://127.0.0.1:$port/" >"$work/ab.txt" 2>&1 || true

python3 - "$work/netdiag.json" "$work/ab.txt" "$workers" "$connections" "$concurrency" <<'PY'
import json, re, sys
report_path, ab_path, workers, connections, concurrency = sys.argv[1:6]
report = json.load(open(report_path))
probe = report["probes"][0]
run = next(r for r in probe["measurements"]["patterns"] if r["id"] == "reuseport")
ab = open(ab_path).read()
found = re.search(r"Requests per second:\s+([0-9.]+)", ab)
if not found:
    sys.exit("ab did not finish:\n" + ab[-2000:])
ab_rate = float(found.group(1))
ab_failed = int(re.search(r"Failed requests:\s+(\d+)", ab).group(1))
nd_rate = run["connections_per_second"]
print(f"shared-accept, {workers} SO_REUSEPORT workers, {connections} connections, {concurrency} in flight")
print(f"{'tool':<34}{'conn/s':>12}{'failed':>8}")
print(f"{'netdiag probe shared-accept':<34}{nd_rate:>12.0f}{run['failed']:>8}")
print(f"{'ab (same workers, HTTP reply)':<34}{ab_rate:>12.0f}{ab_failed:>8}")
print(f"ratio netdiag/ab: {nd_rate / ab_rate:.2f}")
served = [w.get("served", 0) for w in run["workers"]]
print(f"netdiag spread: served per worker {served}, Jain index {run['jain_index']:.3f}, "
      f"max/min {run['max_min_ratio']}, accept latency p50 {run['latency_ms']['p50']} ms, "
      f"p99 {run['latency_ms']['p99']} ms")
PY
