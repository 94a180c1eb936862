// Interfaces by the names users write: the kernel's name, or on Windows the adapter's friendly
// name ("Ethernet 2"), since the real name there is a GUID.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "netdiag/platform.hpp"

namespace netdiag::platform {

inline bool is_named(const NetInterface& iface, std::string_view name) {
    return iface.name == name || iface.friendly_name == name;
}

// The name to show people.
inline const std::string& display_name(const NetInterface& iface) {
    return iface.friendly_name.empty() ? iface.name : iface.friendly_name;
}

inline const NetInterface* find_interface(const HostSnapshot& host, std::string_view name) {
    const auto it = std::find_if(host.interfaces.begin(), host.interfaces.end(),
                                 [&](const NetInterface& iface) { return is_named(iface, name); });
    return it == host.interfaces.end() ? nullptr : &*it;
}

}  // namespace netdiag::platform
