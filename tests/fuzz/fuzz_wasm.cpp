// libFuzzer target for the WebAssembly reader, the instruction decoder and the wasi-af lint
// (abstract machine and checks): any byte string must give a module or a precise error, and
// linting whatever reads must not crash, hang or allocate without bound.
// Built and run by tests/fuzz/run_fuzz.sh wasm <seconds>.
// fuzz-sources: src/proto/wasm/byte_reader.cpp src/proto/wasm/module_reader.cpp
// fuzz-sources: src/proto/wasm/module_sections.cpp src/proto/wasm/instructions.cpp
// fuzz-sources: src/probes/wasi_af/wasix_abi.cpp src/probes/wasi_af/abstract_state.cpp
// fuzz-sources: src/probes/wasi_af/control_flow.cpp src/probes/wasi_af/value_ops.cpp
// fuzz-sources: src/probes/wasi_af/function_analysis.cpp src/probes/wasi_af/lint_checks.cpp
// fuzz-sources: src/probes/wasi_af/lint.cpp src/probes/wasi_af/abstract_value.cpp
// fuzz-sources: src/probes/wasi_af/coverage.cpp src/probes/wasi_af/shared_walks.cpp
// fuzz-sources: src/core/model.cpp
#include <cstddef>
#include <cstdint>
#include <span>

#include "probes/wasi_af/lint.hpp"
#include "proto/wasm/instructions.hpp"
#include "proto/wasm/module.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdiag;
    const auto result = proto::wasm::read_module(std::span<const std::uint8_t>(data, size));
    if (!result) {
        if (result.error().message.empty()) __builtin_trap();  // errors must say why
        return 0;
    }
    const proto::wasm::Module& module = result.value();
    // Decode every body (the lint decodes only those that call socket functions).
    proto::wasm::DecodedBody decoded;
    for (const auto& body : module.bodies) {
        try {
            proto::wasm::decode_body(module, body, decoded);
        } catch (const proto::wasm::DecodeFailure& e) {
            if (std::string_view(e.what()).empty()) __builtin_trap();
        }
    }
    const probes::wasi_af::LintResult lint = probes::wasi_af::lint_module(module);
    for (const Finding& f : lint.findings) {
        if (f.id.empty() || f.detail.empty()) __builtin_trap();
    }
    return 0;
}
