#!/bin/sh
# Two network namespaces joined by a veth pair, for the udp-batch tests.
#   netns_pair.sh up   NAME MTU   -> namespaces NAME-a (10.231.0.1/24) and NAME-b (10.231.0.2/24)
#   netns_pair.sh down NAME       -> deletes both (the veth pair goes with them)
# Needs root and iproute2. Traffic stays inside the two namespaces.
set -eu
action=$1
name=$2
case "$action" in
up)
    mtu=$3
    ip netns add "$name-a"
    ip netns add "$name-b"
    ip -n "$name-a" link add veth-a type veth peer name veth-b netns "$name-b"
    ip -n "$name-a" link set lo up
    ip -n "$name-b" link set lo up
    ip -n "$name-a" link set veth-a mtu "$mtu" up
    ip -n "$name-b" link set veth-b mtu "$mtu" up
    ip -n "$name-a" address add 10.231.0.1/24 dev veth-a
    ip -n "$name-b" address add 10.231.0.2/24 dev veth-b
    # A veth end reports carrier as soon as both ends are up (the kernel sets it when the second
    # end opens), so the check needs no wait: a pair that is not up now is broken.
    if ip -n "$name-a" -o link show veth-a | grep -q LOWER_UP &&
        ip -n "$name-b" -o link show veth-b | grep -q LOWER_UP; then
        exit 0
    fi
    echo "veth pair did not come up" >&2
    exit 1
    ;;
down)
    ip netns del "$name-a" 2>/dev/null || true
    ip netns del "$name-b" 2>/dev/null || true
    ;;
*)
    echo "usage: $0 up NAME MTU | down NAME" >&2
    exit 2
    ;;
esac
