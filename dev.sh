#!/usr/bin/env bash
# netdiag's front door for developers and users on Debian 12.
#
#   ./dev.sh run [ARGS...]   install what is missing, build, run `netdiag ARGS` (default: probe --all)
#   ./dev.sh quick           the inner loop: build the dev preset, run the unit and loopback
#                            tests in parallel (not the slow ones); under a minute after a change
#   ./dev.sh test            install what is missing, build with -Werror, run the whole test suite
#                            (the Windows build under Wine, then native, then native under
#                            ASan + UBSan, then every fuzz target for 30 s); ends with the list
#                            of skipped tests
#   ./dev.sh setup [test]    only install the Debian packages (build, or build + test)
#   ./dev.sh build           only configure and build the release binary (build/release)
#
# NETDIAG_TEST_REQUIRE=all (what CI sets) turns every skip for a missing peer into a failure;
# a comma list (netns,qemu,wine,...) requires only those. docs/testing.md has the capabilities.
set -euo pipefail
cd "$(dirname "$0")"

# Debian 12 packages netdiag builds with.
BUILD_PACKAGES=(g++ cmake make ninja-build git pkg-config libasio-dev libcli11-dev libspdlog-dev libfmt-dev
                nlohmann-json3-dev catch2 libssl-dev help2man dpkg-dev)
# What the tests need besides: schema validation, namespaces, wasm fixtures, a real SPICE
# server, the Windows cross build and Wine, a headless browser for the HTML report, valgrind
# for the memcheck test, clang with libFuzzer for the bounded fuzzing, the compilers the wasi-af
# tests build their fixtures with (clang + lld for wasm32, rustc with its wasm32 std), nftables
# for the multicast firewall tests, and the fleet tools the metrics and fleet tests run for real:
# promtool (prometheus), node_exporter, systemd-analyze, YAML for the Kubernetes manifest,
# Ansible over sshd in namespaces; ethtool turns a veth's checksum offload off for udp-batch.
TEST_PACKAGES=(python3 python3-jsonschema iproute2 ethtool procps wabt qemu-system-x86 openssl
               g++-mingw-w64-x86-64-posix wine64 chromium valgrind clang libclang-rt-14-dev
               lld rustc libstd-rust-dev-wasm32 nftables prometheus prometheus-node-exporter
               systemd python3-yaml ansible openssh-server openssh-client util-linux)
# Seconds each fuzz target runs in the test command (scripts/fuzz-all.sh runs them longer).
FUZZ_SECONDS=${NETDIAG_FUZZ_SECONDS:-30}

log() { printf '==> %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

jobs() { nproc 2>/dev/null || echo 2; }
# Tests in flight at once: twice the cores, as most cases wait on sockets, namespaces, QEMU or
# Wine rather than compute; the cases that time things run alone (RUN_SERIAL) whatever this is.
test_jobs() { echo $(($(jobs) * 2)); }

# Ninja where it is installed (faster no-op builds); a build folder keeps the generator it was
# configured with.
generator_args() {
  if [ ! -f "build/$1/CMakeCache.txt" ] && command -v ninja >/dev/null; then echo "-G Ninja"; fi
}

# Tests skipped in this invocation, one "part: name" per line; printed at the end of `test`.
SKIPPED_LOG=$(mktemp)
trap 'rm -f "$SKIPPED_LOG"' EXIT

# Runs ctest with the given arguments, keeps its output, and records the tests it skipped.
run_ctest() {
  local part=$1 log rc=0
  shift
  log=$(mktemp)
  ctest "$@" 2>&1 | tee "$log" || rc=$?  # pipefail: ctest's status
  sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Skipped)$/\1/p' "$log" | sed "s/^/$part: /" >>"$SKIPPED_LOG"
  rm -f "$log"
  return "$rc"
}

# Runs a script part that exits 77 when it could not run at all (its tool is missing).
run_part_script() {
  local part=$1 rc=0
  shift
  "$@" || rc=$?
  if [ "$rc" -eq 77 ]; then
    echo "$part: the whole part (see its SKIPPED line above)" >>"$SKIPPED_LOG"
    return 0
  fi
  return "$rc"
}

print_skipped() {
  if [ -s "$SKIPPED_LOG" ]; then
    log "skipped tests ($(wc -l <"$SKIPPED_LOG")):"
    sed 's/^/    /' "$SKIPPED_LOG" >&2
  else
    log "skipped tests: none"
  fi
}

build_release() {
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(jobs)"
}

cmd_run() {
  install_packages "${BUILD_PACKAGES[@]}"
  build_release >&2
  [ $# -eq 0 ] && set -- probe --all
  exec ./build/release/src/cli/netdiag "$@"
}

cmd_quick() {
  install_packages "${BUILD_PACKAGES[@]}"
  local start=$SECONDS
  # shellcheck disable=SC2046
  cmake --preset dev $(generator_args dev) >/dev/null
  cmake --build --preset dev -j"$(jobs)"
  ctest --preset dev -L '^(unit|loopback)$' -LE '^slow$' -j"$(test_jobs)" --output-on-failure \
    --timeout 120
  log "quick: $((SECONDS - start)) s"
}

cmd_test() {
  install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  local start=$SECONDS total_start=$SECONDS
  # Windows first: the native integration tests also drive the Windows build under Wine
  # (udp-batch's and shared-accept's Windows paths).
  log "Windows build and tests under Wine"
  run_part_script windows ./scripts/test-windows.sh
  log "Windows part took $((SECONDS - start)) s"
  start=$SECONDS
  log "native build (-Werror)"
  # shellcheck disable=SC2046
  cmake --preset ci $(generator_args ci) >/dev/null
  cmake --build --preset ci -j"$(jobs)"
  log "native tests"
  run_ctest native --preset ci -j"$(test_jobs)" --timeout 600 --output-on-failure
  log "native part took $((SECONDS - start)) s"
  start=$SECONDS
  log "the same suite under AddressSanitizer + UndefinedBehaviorSanitizer"
  # shellcheck disable=SC2046
  cmake --preset asan $(generator_args asan) >/dev/null
  cmake --build --preset asan -j"$(jobs)"
  # One test a core here: instrumented processes start and stop several times slower.
  run_ctest asan --preset asan -j"$(jobs)" --timeout 900 --output-on-failure
  log "sanitizer part took $((SECONDS - start)) s"
  start=$SECONDS
  log "fuzzing every decoder for ${FUZZ_SECONDS} s each (libFuzzer, ASan + UBSan)"
  run_part_script fuzz ./scripts/fuzz-all.sh "$FUZZ_SECONDS"
  log "fuzzing part took $((SECONDS - start)) s"
  log "all parts took $((SECONDS - total_start)) s"
  print_skipped
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  quick) shift; cmd_quick "$@" ;;
  test) shift; cmd_test "$@" ;;
  setup)
    shift
    if [ "${1:-}" = test ]; then install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    else install_packages "${BUILD_PACKAGES[@]}"; fi ;;
  build) install_packages "${BUILD_PACKAGES[@]}"; build_release ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
