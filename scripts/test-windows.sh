#!/usr/bin/env bash
# Builds netdiag for Windows with mingw-w64 and runs its tests under Wine:
#   1. installs g++-mingw-w64-x86-64-posix, wine64 and python3-jsonschema when missing;
#   2. configures and builds the `windows` preset (netdiag.exe, netdiag_unit_tests.exe);
#   3. runs the unit tests under Wine, all cases in one process;
#   4. runs `netdiag.exe probe --all --format json` and validates the report against
#      docs/report.schema.json; checks --version, list, explain and the usage exit code (2).
# Where Wine cannot run here it prints "SKIPPED: <reason>" after the build and exits 77 (a
# skip); where NETDIAG_TEST_REQUIRE is "all" or names wine (CI), that is a failure (exit 1).
#
# Environment: NETDIAG_WINDOWS_BUILD_DIR (default build/windows), NETDIAG_WINE (default
# /usr/lib/wine/wine64), NETDIAG_JOBS (default nproc). The Wine prefix lives in the build
# folder and is kept: the first run creates it (seconds), later runs reuse it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${NETDIAG_WINDOWS_BUILD_DIR:-$root/build/windows}
wine=${NETDIAG_WINE:-/usr/lib/wine/wine64}
jobs=${NETDIAG_JOBS:-$(nproc 2>/dev/null || echo 2)}
export WINEPREFIX="$build_dir/wineprefix"
export WINEDEBUG=-all
# No Mono or Gecko download prompts while the prefix is created: netdiag needs neither.
export WINEDLLOVERRIDES="mscoree=;mshtml="

now_us() { echo "${EPOCHREALTIME/./}"; }
# "12.3 s" from a start time in microseconds.
elapsed() { local us=$(($(now_us) - $1)); printf '%d.%d s' $((us / 1000000)) $((us / 100000 % 10)); }
total_start=$(now_us)
log() { printf '[windows] %s\n' "$*"; }
fail() { log "FAILED: $*"; exit 1; }
# Wine is missing or cannot run: a skip, or a failure where the run requires Wine.
skip() {
    case ",${NETDIAG_TEST_REQUIRE:-}," in
    *,all,* | *,wine,*) fail "Wine is required (NETDIAG_TEST_REQUIRE) but $*" ;;
    esac
    echo "SKIPPED: $*"
    exit 77
}

# Runs "$@" and prints how long it took.
step() {
    local name=$1
    shift
    local start
    start=$(now_us)
    "$@"
    log "$(printf '%-24s %10s' "$name" "$(elapsed "$start")")"
}

stop_wineserver() {
    local server="${wine%/*}/wineserver"
    if [ -x "$server" ] && [ -d "$WINEPREFIX" ]; then "$server" -k 2>/dev/null || true; fi
}

install_missing() {
    local packages=()
    command -v x86_64-w64-mingw32-g++-posix >/dev/null || packages+=(g++-mingw-w64-x86-64-posix)
    [ -x "$wine" ] || packages+=(wine64)
    python3 -c 'import jsonschema' 2>/dev/null || packages+=(python3-jsonschema)
    [ ${#packages[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
        log "cannot install ${packages[*]}: not root and no sudo"
        return 0
    fi
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    log "installing ${packages[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${packages[@]}" >/dev/null || log "apt-get install failed"
}

configure() {
    local generator=()
    # Ninja when present: faster no-op rebuilds. A folder keeps the generator it was made with.
    if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then
        generator=(-G Ninja)
    fi
    cmake --preset windows -B "$build_dir" "${generator[@]}" >/dev/null
}

build() {
    cmake --build "$build_dir" -j"$jobs" --target netdiag netdiag_unit_tests netdiag_iocp_raw_calls
}

# Starting Wine creates the prefix on the first run. Anything that stops a trivial builtin
# program from running means Wine cannot run here: that is a skip, not a failure.
start_wine() {
    local out
    if ! out=$(timeout 300 "$wine" cmd.exe /c echo wine-ok 2>&1) || [[ $out != *wine-ok* ]]; then
        wine_problem=$(printf '%s' "$out" | tr -d '\r' | grep -v '^$' | tail -n 3 | tr '\n' ' ')
        return 0
    fi
}

# All unit cases in one Wine process: starting Wine costs about a second, so one process per
# case (as ctest runs them natively) would add minutes. The verdict stays honest: a failed case
# fails the run, and a case that could not run prints the skip marker, listed here (with
# NETDIAG_TEST_REQUIRE naming its capability it fails instead).
unit_tests() {
    local out rc=0
    out=$(cd "$build_dir/tests" && timeout 600 "$wine" netdiag_unit_tests.exe 2>&1) || rc=$?
    printf '%s\n' "$out" | tr -d '\r' | tail -n 4
    printf '%s\n' "$out" | tr -d '\r' | grep 'NETDIAG-TEST-SKIPPED' | sed 's/^/[windows] skipped: /' || true
    [ "$rc" -eq 0 ] || fail "unit tests under Wine: exit $rc"$'\n'"$(printf '%s\n' "$out" | tr -d '\r' | tail -n 60)"
}

# The binary's behaviour as a user sees it under Wine.
exe() { (cd "$build_dir" && "$wine" src/cli/netdiag.exe "$@"); }

report() {
    local rc=0
    rm -f "$build_dir/wine-report.json"
    # Multicast stays on loopback: tests send nothing onto the network.
    exe probe --all --multicast-interface lo --format json -q -o wine-report.json >/dev/null || rc=$?
    [ "$rc" -le 1 ] || fail "netdiag.exe probe --all exited $rc (0 or 1 expected)"
    [ -s "$build_dir/wine-report.json" ] || fail "netdiag.exe wrote no report"
    python3 "$root/tests/integration/validate_report.py" --file "$build_dir/wine-report.json" \
        "$root/docs/report.schema.json" || fail "report does not match docs/report.schema.json"
    python3 - "$build_dir/wine-report.json" <<'PY' || fail "report content"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
host = report["host"]
assert host["facts"]["os"] == "windows", host["facts"]
assert host["interfaces"], "no interfaces"
assert any(i["flags"]["loopback"] for i in host["interfaces"]), "no loopback interface"
ids = [p["id"] for p in report["probes"]]
assert "host" in ids, ids
print("[windows] report: os_name %r, %d interfaces, probes %s" % (
    host["facts"]["os_name"], len(host["interfaces"]),
    ", ".join("%s=%s" % (p["id"], p["status"]) for p in report["probes"])))
PY
}

cli_checks() {
    local out rc version
    version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
    out=$(exe --version) || fail "--version exited $?"
    [[ $out == *"$version"* ]] || fail "--version printed '$out', expected $version"
    out=$(exe list) || fail "list exited $?"
    [[ $out == *host* ]] || fail "list does not show the host probe: $out"
    local id
    id=$(basename "$(ls "$root"/docs/findings/ND-*.md | head -n 1)" .md)
    out=$(exe explain "$id") || fail "explain $id exited $?"
    [[ $out == *"$id"* ]] || fail "explain $id printed no page"
    rc=0
    exe --no-such-option >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ] || fail "unknown option exited $rc, expected 2"
    log "cli: --version $version, list, explain $id, usage error exit 2: ok"
}

trap stop_wineserver EXIT
step "install check" install_missing
command -v x86_64-w64-mingw32-g++-posix >/dev/null ||
    fail "x86_64-w64-mingw32-g++-posix is missing (Debian: g++-mingw-w64-x86-64-posix)"
step "configure" configure
step "build" build
if [ ! -x "$wine" ]; then
    skip "$wine not found (Debian package wine64 could not be installed)"
fi
wine_problem=""
step "wine start (prefix)" start_wine
if [ -n "$wine_problem" ]; then
    skip "Wine cannot run programs here: $wine_problem"
fi
step "unit tests under wine" unit_tests
step "probe --all report" report
step "cli checks" cli_checks
log "$(printf '%-24s %10s' "total" "$(elapsed "$total_start")")"
