// What a user sets for probe `wasi-af` (its option table is in wasi_af_description.cpp).
#pragma once

#include <string>
#include <vector>

namespace netdiag::probes::wasi_af {

struct WasiAfOptions {
    std::vector<std::string> paths;  // .wasm or .wat files, or folders of them
};

}  // namespace netdiag::probes::wasi_af
