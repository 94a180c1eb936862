#!/usr/bin/env bash
# Lints real WebAssembly modules, not test fixtures, and prints one Markdown row per module:
# its findings, how many of its socket calls were judged, wall time and peak memory.
#
#   scripts/lint-real-modules.sh NETDIAG_BINARY [WORK_DIR]
#
# The modules come from the npm registry (`npm pack`, nothing is installed or run) and from
# clang with Debian's wasi-libc: an echo server over a preopened socket, built at -O0, -O2 and
# -Oz, whose accept/recv/send/shutdown are real wasi_snapshot_preview1 socket imports. A module
# that does not misuse sockets must get no warning and no error. Needs npm, clang, lld,
# wasi-libc and libclang-rt-14-dev-wasm32 (Debian packages), and /usr/bin/time.
set -euo pipefail
netdiag=$(realpath "$1")
work=${2:-build/real-modules}
mkdir -p "$work/npm"
work=$(realpath "$work")

# Large and small modules from different compilers: Emscripten (C/C++), Rust with wasm-bindgen,
# Go (esbuild), wasi-sdk (YoWASP's LLVM and Yosys), and wasi_snapshot_preview1 adapters.
packages=(esbuild-wasm sql.js @swc/wasm @yowasp/yosys @yowasp/clang web-tree-sitter @ffmpeg/core
          brotli-wasm @rollup/wasm-node lightningcss-wasm @wasmer/sdk @wasmer/wasi
          @tensorflow/tfjs-backend-wasm wasm-vips @jsquash/webp canvaskit-wasm
          @duckdb/duckdb-wasm onnxruntime-web pyodide @bytecodealliance/jco)
cd "$work/npm"
for p in "${packages[@]}"; do
    tarball=$(timeout 300 npm pack --silent "$p" 2>/dev/null | tail -n 1) || {
        echo "npm pack $p failed" >&2
        continue
    }
    mkdir -p "${tarball%.tgz}"
    tar -xzf "$tarball" -C "${tarball%.tgz}"
done

cd "$work"
cat > wasi_echo.c <<'EOF'
#include <sys/socket.h>
#include <unistd.h>
/* An echo server over the listening socket the runtime preopens as fd 3. */
int main(void) {
    for (;;) {
        int c = accept(3, 0, 0);
        if (c < 0) return 1;
        char buf[512];
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n > 0) send(c, buf, (size_t)n, 0);
        shutdown(c, SHUT_RDWR);
        close(c);
    }
}
EOF
for level in O0 O2 Oz; do
    clang --target=wasm32-wasi -fuse-ld=lld -"$level" -o "wasi_echo.$level.wasm" wasi_echo.c
done

echo "| module | MB | findings (status) | socket calls judged / all | wall s | peak MB |"
echo "|---|---|---|---|---|---|"
find "$work" -name '*.wasm' | sort | while read -r module; do
    start=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$work/peak_kb" "$netdiag" probe wasi-af --wasm "$module" \
        --timeout 60s --format json -q -o "$work/report.json" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    peak_kb=$(cat "$work/peak_kb")
    python3 - "$module" "$work" "$start" "$end" "$peak_kb" <<'EOF'
import json, os, sys
module, work, start, end, peak_kb = sys.argv[1:]
probe = next(p for p in json.load(open(os.path.join(work, "report.json")))["probes"]
             if p["id"] == "wasi-af")
files = probe.get("measurements", {}).get("files", [{}])
judged = sum(f.get("socket_calls_judged", 0) for f in files)
calls = sum(f.get("socket_calls", 0) for f in files)
findings = ", ".join(f'{f["severity"]} {f["id"]}' for f in probe.get("findings", [])) or "none"
name = os.path.relpath(module, work).replace("npm/", "").replace("/package/", "/")
print(f"| {name} | {os.path.getsize(module) / 1e6:.1f} | {findings} ({probe['status']}) "
      f"| {judged} / {calls} | {float(end) - float(start):.2f} | {int(peak_kb) // 1024} |")
EOF
done
