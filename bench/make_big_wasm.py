#!/usr/bin/env python3
"""Writes a large, valid WebAssembly module for benchmarking the wasi-af lint.

Usage: make_big_wasm.py OUT.wasm [MEGABYTES]   (default 50)

The module imports the WASIX socket calls; one function in 64 opens, binds and listens on a
socket (with a correct little-endian sockaddr), the others are loops over locals with calls
between them, and a name section names every function: the shape of a compiled program."""
import sys

out_path = sys.argv[1]
target = int(float(sys.argv[2]) * 1_000_000) if len(sys.argv) > 2 else 50_000_000


def uleb(n):
    b = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            b.append(byte | 0x80)
        else:
            b.append(byte)
            return bytes(b)


def sleb(n):
    b = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            b.append(byte)
            return bytes(b)
        b.append(byte | 0x80)


def name(s):
    return uleb(len(s)) + s.encode()


def section(sid, body):
    return bytes([sid]) + uleb(len(body)) + body


imports = [("sock_open", 0), ("sock_bind", 1), ("sock_listen", 1)]
types = section(1, b"\x03"
                + b"\x60\x04\x7f\x7f\x7f\x7f\x01\x7f"   # 0: (i32 x4) -> i32
                + b"\x60\x02\x7f\x7f\x01\x7f"           # 1: (i32 i32) -> i32
                + b"\x60\x00\x00")                      # 2: () -> ()
imp = section(2, uleb(len(imports)) + b"".join(
    name("wasix_32v1") + name(f) + b"\x00" + uleb(t) for f, t in imports))
n_imp = len(imports)


def socket_body():
    code = (b"\x41\x01\x41\x01\x41\x00\x41\x00\x10\x00\x1a"      # sock_open(1,1,0,0) drop
            b"\x41\x00\x28\x02\x00\x21\x00"                      # local0 = i32.load 0
            b"\x20\x00\x41\x10\x10\x01\x1a"                      # sock_bind(local0, 16) drop
            b"\x20\x00\x41\x80\x01\x10\x02\x1a\x0b")             # sock_listen(local0, 128) drop
    return b"\x01\x01\x7f" + code


def filler_body(i, first_defined):
    callee = first_defined + (i * 7919) % max(i, 1) if i else None
    code = bytearray()
    for k in range(12):
        code += b"\x41" + sleb(i * 31 + k) + b"\x21\x00"           # i32.const; local.set 0
        code += b"\x02\x40\x03\x40"                               # block loop
        code += b"\x20\x00\x41\x01\x6a\x22\x00"                   # local.get+1, local.tee 0
        code += b"\x41\xe4\x00\x49\x0d\x00\x0b\x0b"               # <100 br_if 0, end end
        code += b"\x20\x00\x20\x01\x6c\x21\x01"                   # local1 *= local0
    if callee is not None:
        code += b"\x10" + uleb(callee)                            # call an earlier function
    code += b"\x0b"
    return b"\x01\x02\x7f" + bytes(code)


bodies = []
size = 0
i = 0
while size < target * 0.85:
    body = socket_body() if i % 64 == 0 else filler_body(i, n_imp)
    entry = uleb(len(body)) + body
    bodies.append(entry)
    size += len(entry) + 8  # + function-section and name-section share
    i += 1
n_fn = len(bodies)
funcs = section(3, uleb(n_fn) + b"\x02" * n_fn)
memory = section(5, b"\x01\x00\x01")
export = section(7, b"\x01" + name("_start") + b"\x00" + uleb(n_imp))
code = section(10, uleb(n_fn) + b"".join(bodies))
data = section(11, b"\x01\x00\x41\x10\x0b" + uleb(8) + b"\x01\x00\x90\x1f\x7f\x00\x00\x01")
names = b"".join(uleb(n_imp + k) + name(f"fn_{k}") for k in range(n_fn))
name_sec = section(0, name("name") + b"\x01" + uleb(len(uleb(n_fn) + names)) + uleb(n_fn) + names)
module = b"\x00asm\x01\x00\x00\x00" + types + imp + funcs + memory + export + code + data + name_sec
pad = target - len(module)
if pad > 16:  # top up to the exact size with a custom section
    payload = b"\x00" * (pad - 16)
    module += section(0, name("bench.padding") + payload)
with open(out_path, "wb") as f:
    f.write(module)
print(f"{out_path}: {len(module)} bytes, {n_fn} functions ({(n_fn + 63) // 64} with sockets)")
