// Asks the kernel for an interface's Energy-Efficient Ethernet state, unprivileged:
// ETHTOOL_MSG_EEE_GET over generic netlink, or the ETHTOOL_GEEE ioctl where the kernel has no
// ethtool netlink family (before 5.6). Each wait has a deadline.
#pragma once

#include <string>

#include "netdiag/link_power.hpp"

namespace netdiag::platform::linux_fs {

EeeState query_eee(const std::string& interface);

}  // namespace netdiag::platform::linux_fs
