#!/usr/bin/env bash
# netdiag's front door for developers and users on Debian 12.
#
#   ./dev.sh run [ARGS...]   install what is missing, build, run `netdiag ARGS` (default: probe --all)
#   ./dev.sh test            install what is missing, build with -Werror, run the whole test suite
#                            (the Windows build under Wine, then native, then native under
#                            ASan + UBSan, then every fuzz target for 60 s)
#   ./dev.sh setup [test]    only install the Debian packages (build, or build + test)
#   ./dev.sh build           only configure and build the release binary (build/release)
set -euo pipefail
cd "$(dirname "$0")"

# Debian 12 packages netdiag builds with.
BUILD_PACKAGES=(g++ cmake make git pkg-config libasio-dev libcli11-dev libspdlog-dev libfmt-dev
                nlohmann-json3-dev catch2 libssl-dev help2man dpkg-dev)
# What the tests need besides: schema validation, namespaces, wasm fixtures, a real SPICE
# server, the Windows cross build and Wine, a headless browser for the HTML report, valgrind
# for the memcheck test, clang with libFuzzer for the bounded fuzzing, and the compilers the
# wasi-af tests build their fixtures with (clang + lld for wasm32, rustc with its wasm32 std).
TEST_PACKAGES=(python3 python3-jsonschema iproute2 procps wabt qemu-system-x86 openssl
               g++-mingw-w64-x86-64-posix wine64 chromium valgrind clang libclang-rt-14-dev
               lld rustc libstd-rust-dev-wasm32)
# Seconds each fuzz target runs in the test command (scripts/fuzz-all.sh runs them longer).
FUZZ_SECONDS=${NETDIAG_FUZZ_SECONDS:-60}

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

cmd_test() {
  install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  # Windows first: the native integration tests also drive the Windows build under Wine
  # (udp-batch's Windows send paths) and skip, saying so, when it is missing.
  local start=$SECONDS
  log "Windows build and tests under Wine"
  ./scripts/test-windows.sh
  log "Windows part took $((SECONDS - start)) s"
  start=$SECONDS
  log "native build (-Werror)"
  cmake --preset ci >/dev/null
  cmake --build --preset ci -j"$(jobs)"
  log "native tests"
  ctest --preset ci -j"$(jobs)" --timeout 600
  log "native part took $((SECONDS - start)) s"
  start=$SECONDS
  log "the same suite under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j"$(jobs)"
  ctest --preset asan --timeout 900
  log "sanitizer part took $((SECONDS - start)) s"
  start=$SECONDS
  log "fuzzing every decoder for ${FUZZ_SECONDS} s each (libFuzzer, ASan + UBSan)"
  ./scripts/fuzz-all.sh "$FUZZ_SECONDS"
  log "fuzzing part took $((SECONDS - start)) s"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  setup)
    shift
    if [ "${1:-}" = test ]; then install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    else install_packages "${BUILD_PACKAGES[@]}"; fi ;;
  build) install_packages "${BUILD_PACKAGES[@]}"; build_release ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
