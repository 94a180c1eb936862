// The SPICE main-channel client netdiag uses: link the main channel (ticket encrypted with
// the server's key), read MAIN_INIT, ask for the channel list and watch for further lists.
// It links no other channel: the main channel's lists are enough to find duplicates, and
// linking DISPLAY without DISPLAY_INIT crashes some servers (see docs/probes/spice.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/deadline_socket.hpp"
#include "probes/spice/spice_observation.hpp"

namespace netdiag::probes::spice {

using Clock = std::chrono::steady_clock;

struct ClientSettings {
    std::string target;  // as the user wrote it, for the report
    std::string host;
    std::uint16_t port = 0;
    std::string password;  // empty: the empty ticket, which servers without a password accept
    bool password_given = false;
    Clock::time_point deadline;                    // the probe's: nothing waits past it
    std::chrono::milliseconds watch{2000};         // after the first list
    std::chrono::milliseconds step_timeout{5000};  // longest silence during the handshake
    std::function<bool()> interrupted;             // polled while waiting and between messages
};

SpiceObservation observe_spice_server(const ClientSettings& settings);

}  // namespace netdiag::probes::spice
