// `netdiag peer`: a UDP sink on a real interface that counts what the udp-batch probe sends it
// and reports the counts over a TCP control connection on the same port number
// (see peer_protocol.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "netdiag/udp_send.hpp"

namespace netdiag::probes::udp_batch {

struct PeerServerOptions {
    platform::udp::Endpoint listen;        // address and port for both UDP and TCP
    std::chrono::milliseconds run_for{0};  // 0: until stop is set
    const std::atomic<bool>* stop = nullptr;
    std::function<void(const std::string&)> log;  // one line per event
};

// Serves until stopped or run_for passes. Returns an empty string on a clean stop, else one
// line saying why it could not serve.
std::string run_peer_server(const PeerServerOptions& options);

}  // namespace netdiag::probes::udp_batch
