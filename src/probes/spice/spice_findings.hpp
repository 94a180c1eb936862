// The finding ids the spice probe emits, in one place for the registry and the analysis.
#pragma once

#include <string_view>

#include "netdiag/model.hpp"

namespace netdiag::probes::spice {

inline constexpr FindingFactory make_spice_finding{"spice"};

}  // namespace netdiag::probes::spice

namespace netdiag::probes::spice::finding_id {

inline constexpr std::string_view kDuplicateChannel = "ND-SPICE-001";
inline constexpr std::string_view kLinkRefused = "ND-SPICE-002";
inline constexpr std::string_view kVersionMismatch = "ND-SPICE-003";
inline constexpr std::string_view kAuth = "ND-SPICE-004";
inline constexpr std::string_view kSilentOrClosed = "ND-SPICE-005";
inline constexpr std::string_view kUnknownChannelType = "ND-SPICE-006";
inline constexpr std::string_view kMalformed = "ND-SPICE-007";
inline constexpr std::string_view kCannotConnect = "ND-SPICE-008";

}  // namespace netdiag::probes::spice::finding_id
