// `netdiag peer`'s side of the two-host multicast check (protocol version 2): join the group on
// the interface the prober's control connection came in on and count what arrives, or send to
// the group and to the prober's address from that interface. One per control connection.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "netdiag/multicast.hpp"
#include "peer_protocol.hpp"

namespace netdiag::probes::udp_batch {

class PeerMulticast {
public:
    // local: this host's address on the control connection; remote: the prober's.
    PeerMulticast(std::string local, std::string remote)
        : local_(std::move(local)), remote_(std::move(remote)) {}

    // The answer line for an mcast_* request (ok or error).
    std::string handle(const PeerRequest& request);
    // One line for the peer's log about the last request.
    const std::string& last_event() const { return event_; }

private:
    std::string listen(const PeerRequest& request);
    std::string report(const PeerRequest& request);
    std::string send(const PeerRequest& request);

    std::string local_;
    std::string remote_;
    std::string event_;
    platform::multicast::MulticastSocket listener_;
    std::string group_;
};

}  // namespace netdiag::probes::udp_batch
