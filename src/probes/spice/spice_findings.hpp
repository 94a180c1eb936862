// The finding ids the spice probe emits, in one place for the registry and the analysis.
#pragma once

#include <string_view>

#include "netdiag/model.hpp"

namespace netdiag::probes::spice {

inline constexpr FindingFactory make_spice_finding{"spice"};

}  // namespace netdiag::probes::spice

namespace netdiag::probes::spice::finding_id {

inline constexpr std::string_view duplicate_channel = "ND-SPICE-001";
inline constexpr std::string_view link_refused = "ND-SPICE-002";
inline constexpr std::string_view version_mismatch = "ND-SPICE-003";
inline constexpr std::string_view auth = "ND-SPICE-004";
inline constexpr std::string_view silent_or_closed = "ND-SPICE-005";
inline constexpr std::string_view unknown_channel_type = "ND-SPICE-006";
inline constexpr std::string_view malformed = "ND-SPICE-007";
inline constexpr std::string_view cannot_connect = "ND-SPICE-008";

}  // namespace netdiag::probes::spice::finding_id
