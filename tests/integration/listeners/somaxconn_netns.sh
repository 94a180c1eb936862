#!/bin/bash
# Run inside a new network namespace (unshare -n): lowers net.core.somaxconn there, starts a
# server that asks listen() for 1024, and runs the listeners probe on its port.
# Usage: somaxconn_netns.sh NETDIAG PYTHON SERVER_SCRIPT REPORT
set -eu
netdiag=$1 python=$2 script=$3 report=$4
ip link set lo up
echo 64 > /proc/sys/net/core/somaxconn
exec 3< <(exec "$python" "$script" backlog 1024)
server=$!
trap 'kill -9 "$server" ${worker:-} 2>/dev/null || true' EXIT
read -r -t 10 word port worker <&3
[ "$word" = READY ]
NO_COLOR=1 "$netdiag" probe listeners --listen-port "$port" --format json -o "$report"
