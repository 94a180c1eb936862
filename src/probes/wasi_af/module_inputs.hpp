// The files the wasi-af probe reads: expands folders to their *.wasm files and loads each
// module's bytes (converting .wat through the platform's wat2wasm runner).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "netdiag/mapped_file.hpp"

namespace netdiag::probes::wasi_af {

struct ModuleInput {
    std::string path;
    bool is_text = false;  // .wat: needs wat2wasm
    std::string problem;   // set when the path cannot be used ("no such file", "empty folder")
};

// Each path as given; a folder becomes its *.wasm files (sorted, not recursive).
std::vector<ModuleInput> expand_inputs(const std::vector<std::string>& paths);

struct LoadedModule {
    // A .wasm file is mapped, not read: on a 50 MB module, copying it into fresh memory cost as
    // much as parsing it (docs/performance.md). A .wat file's conversion is kept in `converted`.
    platform::MappedFile mapped;
    std::vector<std::uint8_t> converted;
    std::size_t size = 0;
    std::span<const std::uint8_t> bytes() const {
        return converted.empty() ? mapped.bytes() : std::span<const std::uint8_t>(converted);
    }
    std::string error;          // empty on success
    bool tool_missing = false;  // .wat given but no wat2wasm
};

LoadedModule load_module(const ModuleInput& input, std::chrono::steady_clock::time_point deadline);

}  // namespace netdiag::probes::wasi_af
