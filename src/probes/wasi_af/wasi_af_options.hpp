// What a user sets for probe `wasi-af` (its option table is in wasi_af_description.cpp).
#pragma once

#include <string>
#include <vector>

namespace netdiag {

struct WasiAfOptions {
    std::vector<std::string> paths;  // .wasm or .wat files, or folders of them
};

}  // namespace netdiag
