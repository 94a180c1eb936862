// Reads rtnetlink messages (a dump reply or a multicast notification) into the link state
// tracker. Linux-only: included from src/platform/linux/ alone.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "netdiag/link_events.hpp"

namespace netdiag::platform::links::linux_rtnl {

struct ParseOutcome {
    std::vector<LinkEvent> events;
    bool done = false;  // NLMSG_DONE: the end of a dump
    int error = 0;      // an NLMSG_ERROR's errno (positive), 0 for none or an ack
};

// Applies every message in buffer to tracker. baseline: the messages are a start-up dump, so
// they set state without events. Route messages are not state: they always become events
// (unless baseline).
ParseOutcome apply_messages(std::span<const std::byte> buffer, LinkStateTracker& tracker,
                            bool baseline);

}  // namespace netdiag::platform::links::linux_rtnl
