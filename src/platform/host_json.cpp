// JSON shape of the host facts; the same on every platform (see docs/report.schema.json).
#include "netdiag/platform.hpp"

namespace netdiag::platform {

std::string_view to_string(WslKind kind) {
    switch (kind) {
        case WslKind::none:
            return "none";
        case WslKind::wsl1:
            return "wsl1";
        case WslKind::wsl2:
            return "wsl2";
    }
    return "none";
}

nlohmann::json to_json(const HostFacts& f) {
    return {{"os", f.os},
            {"os_name", f.os_name},
            {"os_version", f.os_version},
            {"kernel", f.kernel},
            {"architecture", f.architecture},
            {"hostname", f.hostname},
            {"wsl", to_string(f.wsl)},
            {"wsl_networking", f.wsl_networking},
            {"container", f.container}};
}

nlohmann::json to_json(const NetInterface& i) {
    auto addresses = nlohmann::json::array();
    for (const auto& a : i.addresses) {
        addresses.push_back(
            {{"family", a.family}, {"address", a.address}, {"prefix_length", a.prefix_length}});
    }
    nlohmann::json j = {{"name", i.name},
                        {"friendly_name", i.friendly_name},
                        {"index", i.index},
                        {"flags",
                         {{"up", i.flags.up},
                          {"running", i.flags.running},
                          {"loopback", i.flags.loopback},
                          {"multicast", i.flags.multicast},
                          {"point_to_point", i.flags.point_to_point}}},
                        {"oper_state", i.oper_state},
                        {"mtu", i.mtu},
                        {"addresses", std::move(addresses)},
                        {"hardware_address", i.hardware_address},
                        {"driver", i.driver},
                        {"bus", i.bus},
                        {"usb_power_control", i.usb_power_control}};
    j["if_type"] = i.if_type ? nlohmann::json(*i.if_type) : nlohmann::json(nullptr);
    j["power"] = to_json(i.power);
    return j;
}

nlohmann::json to_json(const Route& r) {
    return {{"family", r.family},
            {"destination", r.destination},
            {"prefix_length", r.prefix_length},
            {"gateway", r.gateway},
            {"interface", r.interface_name},
            {"interface_index", r.interface_index},
            {"metric", r.metric}};
}

nlohmann::json to_json(const HostSnapshot& s) {
    auto interfaces = nlohmann::json::array();
    for (const auto& i : s.interfaces) interfaces.push_back(to_json(i));
    auto routes = nlohmann::json::array();
    for (const auto& r : s.default_routes) routes.push_back(to_json(r));
    nlohmann::json j = {{"facts", to_json(s.facts)},
                        {"interfaces", std::move(interfaces)},
                        {"default_routes", std::move(routes)},
                        {"power", to_json(s.power)},
                        {"warnings", s.warnings}};
    if (s.firewall.applicable) j["firewall"] = firewall::to_json(s.firewall);
    return j;
}

}  // namespace netdiag::platform
