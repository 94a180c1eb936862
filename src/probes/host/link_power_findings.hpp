// Power features that take links down, judged from the host facts: Windows may turn the adapter
// off (ND-HOST-006), Energy-Efficient Ethernet is on (ND-HOST-007), PCIe ASPM is on
// (ND-HOST-008). Portable: the same judgement for facts read on Linux, on Windows, from a fixture
// tree or from a report. `watch` joins what it recorded, which raises the severity.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netdiag/model.hpp"
#include "netdiag/platform.hpp"

namespace netdiag::probes::host {

inline constexpr std::string_view kWindowsPowerOff = "ND-HOST-006";
inline constexpr std::string_view kEeeActive = "ND-HOST-007";
inline constexpr std::string_view kAspmActive = "ND-HOST-008";

// What `netdiag watch` recorded on one adapter.
struct RecordedDrops {
    std::string interface_name;  // as watch names it (Windows: the alias)
    std::size_t drops = 0;
    bool periodic = false;
    double period_s = 0;
};

// True when one of the host's default routes leaves through this interface.
bool carries_default_route(const platform::HostSnapshot& host, const platform::NetInterface& i);

// The `host` probe's view: adapters carrying a default route whose power feature is a known
// cause of drops (a USB adapter, a driver with reports of drops).
std::vector<Finding> judge_link_power(const platform::HostSnapshot& host);

// `watch`'s view: only the adapters that dropped, any power feature on them is a suspect, and
// the finding says what was recorded (error when the drops were periodic).
std::vector<Finding> judge_link_power_after_drops(const platform::HostSnapshot& host,
                                                  const std::vector<RecordedDrops>& drops,
                                                  std::string_view probe);

}  // namespace netdiag::probes::host
