// The multicast probe's judgement: findings from the observed facts alone (pure, so each
// finding is tested on exact fact sets as well as on real faults).
#pragma once

#include <string_view>
#include <vector>

#include "netdiag/model.hpp"
#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

inline constexpr std::string_view kNoJoin = "ND-MCAST-001";
inline constexpr std::string_view kPortConflict = "ND-MCAST-002";
inline constexpr std::string_view kNoRoute = "ND-MCAST-003";
inline constexpr std::string_view kLoopbackLost = "ND-MCAST-004";
inline constexpr std::string_view kWsl1 = "ND-MCAST-005";
inline constexpr std::string_view kLoopbackOnly = "ND-MCAST-006";
inline constexpr std::string_view kGroupBindRefused = "ND-MCAST-007";
inline constexpr std::string_view kZenohPeers = "ND-MCAST-008";
inline constexpr std::string_view kNoZenohPeers = "ND-MCAST-009";
inline constexpr std::string_view kWsl2Nat = "ND-MCAST-010";
inline constexpr std::string_view kPortShared = "ND-MCAST-011";
inline constexpr std::string_view kLoopbackUndecided = "ND-MCAST-012";
inline constexpr std::string_view kMembershipLimit = "ND-MCAST-013";
inline constexpr std::string_view kDuplicateMembership = "ND-MCAST-014";
inline constexpr std::string_view kSendRefused = "ND-MCAST-015";
inline constexpr std::string_view kLoopedOnlyViaLo = "ND-MCAST-016";
inline constexpr std::string_view kReversePathDrops = "ND-MCAST-017";
inline constexpr std::string_view kNetworkDropsMulticast = "ND-MCAST-018";
inline constexpr std::string_view kTwoHostUndecided = "ND-MCAST-019";

std::vector<Finding> judge_multicast(const MulticastFacts& facts);

}  // namespace netdiag::probes::multicast
