#include "probe_options.hpp"

#include <cstdlib>

#include "core/duration.hpp"

namespace netdiag::cli {
namespace {

// A CLI11 validator for durations ("250ms", "5s", "2m").
CLI::Validator duration_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (parse_duration(value)) return {};
            return "invalid duration '" + value + "' (examples: 250ms, 5s, 2m)";
        },
        "DURATION");
}

}  // namespace

void add_probe_options(CLI::App& probe, ProbeOptions& options) {
    // wasi-af
    probe.add_option("--wasm", options.wasm_paths,
                     "wasi-af: WebAssembly modules (.wasm, or .wat with wat2wasm) or folders")
        ->type_name("FILE")
        ->group("Probe wasi-af");

    // spice
    probe.add_option("--spice", options.spice_targets, "spice: SPICE server to check (repeatable)")
        ->type_name("HOST:PORT")
        ->group("Probe spice");
    probe.add_option("--spice-password", options.spice_password,
                     "spice: ticket password (default: $SPICE_PASSWORD)")
        ->group("Probe spice");
    probe
        .add_option_function<std::string>(
            "--spice-watch",
            [&options](const std::string& value) { options.spice_watch = *parse_duration(value); },
            "spice: how long to watch for channels announced again (default 2s)")
        ->check(duration_validator())
        ->type_name("DURATION")
        ->group("Probe spice");
}

void finish_probe_options(ProbeOptions& options) {
    if (options.spice_password.empty()) {
        if (const char* env = std::getenv("SPICE_PASSWORD")) options.spice_password = env;
    }
}

}  // namespace netdiag::cli
