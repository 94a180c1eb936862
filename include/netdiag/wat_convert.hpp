// Turning WebAssembly text (.wat) into a binary module with the wabt tool `wat2wasm` found on
// PATH (Debian package wabt). Used by the wasi-af probe; bounded by a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace netdiag::platform {

struct WatConversion {
    enum class Status { ok, tool_missing, failed, timed_out };
    Status status = Status::failed;
    std::vector<std::uint8_t> wasm;  // the binary module when ok
    std::string message;             // wat2wasm's own error text, or why it could not run
    std::string tool;                // the wat2wasm path used
};

// Runs `wat2wasm --debug-names FILE --output=-` and collects the binary. The child is killed
// when the deadline passes.
WatConversion convert_wat_to_wasm(const std::string& wat_path,
                                  std::chrono::steady_clock::time_point deadline);

}  // namespace netdiag::platform
