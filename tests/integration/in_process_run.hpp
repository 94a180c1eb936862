// Options for running every probe inside a test process through the real runner, kept short
// so a test can run them many times: traffic stays on loopback, windows are brief, and the
// shared-accept workers are the real netdiag binary.
#pragma once

#include <chrono>
#include <string>

#include "core/runner.hpp"
#include "probes/multicast/multicast_options.hpp"
#include "probes/shared_accept/shared_accept_options.hpp"
#include "probes/udp_batch/udp_batch_options.hpp"
#include "probes/wasi_af/wasi_af_options.hpp"

namespace netdiag::testing {

inline RunOptions short_in_process_run(const std::string& wasm_path) {
    RunOptions options;
    options.timeout = std::chrono::seconds(10);
    auto& multicast = options.probe_options.edit<probes::multicast::MulticastOptions>();
    multicast.interfaces = {"lo"};
    multicast.zenoh_window = std::chrono::milliseconds(50);
    options.probe_options.edit<probes::udp_batch::UdpBatchOptions>().measure =
        std::chrono::milliseconds(10);
    auto& accept = options.probe_options.edit<probes::shared_accept::SharedAcceptOptions>();
    accept.connections = 40;
    accept.worker_binary = NETDIAG_BINARY;
    options.probe_options.edit<probes::wasi_af::WasiAfOptions>().paths = {wasm_path};
    return options;
}

}  // namespace netdiag::testing
