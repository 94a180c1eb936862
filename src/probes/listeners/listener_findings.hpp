// Findings of the listeners probe, judged from recorded facts alone (pure, unit-tested):
// an accept queue over its backlog, one socket shared by several workers, a listener whose
// queue waits while nobody accepts (a stopped or stuck reuseport member), a backlog at the
// net.core.somaxconn cap, and listen drops counted with no full queue seen.
#pragma once

#include <string_view>
#include <vector>

#include "listener_facts.hpp"
#include "netdiag/model.hpp"

namespace netdiag::probes::listeners {

inline constexpr std::string_view kIdQueueFull = "ND-LISTEN-001";
inline constexpr std::string_view kIdSharedSocket = "ND-LISTEN-002";
inline constexpr std::string_view kIdNotAccepting = "ND-LISTEN-003";
inline constexpr std::string_view kIdSomaxconnCap = "ND-LISTEN-004";
inline constexpr std::string_view kIdDropsUnexplained = "ND-LISTEN-005";

// somaxconn below this is a host tuned down (the kernel default has been 4096 since 5.4).
inline constexpr std::uint32_t kModernSomaxconn = 4096;

std::vector<Finding> judge(const ListenerFacts& facts);

}  // namespace netdiag::probes::listeners
