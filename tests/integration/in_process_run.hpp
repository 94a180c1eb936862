// Options for running every probe inside a test process through the real runner, kept short
// so a test can run them many times: traffic stays on loopback, windows are brief, and the
// shared-accept workers are the real netdiag binary.
#pragma once

#include <chrono>
#include <string>

#include "core/runner.hpp"

namespace netdiag::testing {

inline RunOptions short_in_process_run(const std::string& wasm_path) {
    RunOptions options;
    options.timeout = std::chrono::seconds(10);
    options.probe_options.multicast_interfaces = {"lo"};
    options.probe_options.zenoh_window = std::chrono::milliseconds(50);
    options.probe_options.udp_measure = std::chrono::milliseconds(10);
    options.probe_options.accept_connections = 40;
    options.probe_options.accept_worker_binary = NETDIAG_BINARY;
    options.probe_options.wasm_paths = {wasm_path};
    return options;
}

}  // namespace netdiag::testing
