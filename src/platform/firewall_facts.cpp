// The firewall facts' names and JSON shape; the same on every platform (the reading itself is
// in windows/firewall_windows.cpp, and posix/firewall_none.cpp says "not applicable").
#include <array>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "netdiag/firewall.hpp"

namespace netdiag::platform::firewall {
namespace {

// HRESULTs a COM reading of the firewall and the network list can meet: Wine's missing
// classes and methods, a stopped firewall service, COM set up differently on the thread.
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 20> kHresultNames{{
    {0x00000000, "S_OK"},
    {0x00000001, "S_FALSE"},
    {0x80004001, "E_NOTIMPL"},
    {0x80004002, "E_NOINTERFACE"},
    {0x80004003, "E_POINTER"},
    {0x80004005, "E_FAIL"},
    {0x8000FFFF, "E_UNEXPECTED"},
    {0x80070005, "E_ACCESSDENIED"},
    {0x8007000E, "E_OUTOFMEMORY"},
    {0x80070057, "E_INVALIDARG"},
    {0x80040154, "REGDB_E_CLASSNOTREG"},
    {0x80040110, "CLASS_E_NOAGGREGATION"},
    {0x800401F0, "CO_E_NOTINITIALIZED"},
    {0x80010106, "RPC_E_CHANGED_MODE"},
    {0x80070426, "HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE)"},
    {0x800706D9, "HRESULT_FROM_WIN32(EPT_S_NOT_REGISTERED)"},
    {0x800706BA, "HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)"},
    {0x80070002, "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)"},
    {0x80070032, "HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)"},
    {0x800705B4, "HRESULT_FROM_WIN32(ERROR_TIMEOUT)"},
}};

nlohmann::json undecided_json(const Undecided& u) {
    if (u.decided()) return nullptr;
    nlohmann::json j = {{"reason", u.describe()}};
    if (!u.call.empty()) {
        j["call"] = u.call;
        j["hresult"] = fmt::format("0x{:08X}", u.hresult);
        j["hresult_name"] = u.hresult_name;
    }
    return j;
}

nlohmann::json optional_bool(const std::optional<bool>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json category_json(const std::optional<unsigned>& category) {
    return category ? nlohmann::json(profile_name(*category)) : nlohmann::json(nullptr);
}

nlohmann::json profiles_list(unsigned bits) {
    auto names = nlohmann::json::array();
    for (const unsigned type : {kDomain, kPrivate, kPublic}) {
        if ((bits & type) != 0) names.push_back(profile_name(type));
    }
    return names;
}

}  // namespace

std::string hresult_name(std::uint32_t hresult) {
    for (const auto& [code, name] : kHresultNames) {
        if (code == hresult) return std::string(name);
    }
    return {};
}

Undecided undecided_call(std::string call, std::uint32_t hresult) {
    Undecided u;
    u.call = std::move(call);
    u.hresult = hresult;
    u.hresult_name = hresult_name(hresult);
    return u;
}

std::string Undecided::describe() const {
    if (decided()) return {};
    if (call.empty()) return note;
    const auto code = fmt::format("0x{:08X}", hresult);
    auto text = hresult_name.empty() ? fmt::format("{}: HRESULT {}", call, code)
                                     : fmt::format("{}: {} ({})", call, hresult_name, code);
    if (!note.empty()) text += "; " + note;
    return text;
}

std::string_view profile_name(unsigned type) {
    switch (type) {
        case kDomain:
            return "domain";
        case kPrivate:
            return "private";
        case kPublic:
            return "public";
        default:
            return "unknown";
    }
}

std::string protocol_name(int protocol) {
    switch (protocol) {
        case kTcp:
            return "tcp";
        case kUdp:
            return "udp";
        case kAnyProtocol:
            return "any";
        default:
            return std::to_string(protocol);
    }
}

nlohmann::json to_json(const HostFirewall& fw) {
    auto networks = nlohmann::json::array();
    for (const auto& n : fw.networks) {
        networks.push_back({{"name", n.name},
                            {"category", category_json(n.category)},
                            {"category_undecided", undecided_json(n.category_undecided)},
                            {"adapters", n.adapter_ids}});
    }
    auto profiles = nlohmann::json::array();
    for (const auto& p : fw.profiles) {
        auto undecided = nlohmann::json::array();
        for (const auto& u : p.undecided) undecided.push_back(undecided_json(u));
        profiles.push_back(
            {{"profile", profile_name(p.type)},
             {"enabled", optional_bool(p.enabled)},
             {"default_inbound", p.default_inbound_block
                                     ? nlohmann::json(*p.default_inbound_block ? "block" : "allow")
                                     : nlohmann::json(nullptr)},
             {"block_all_inbound", optional_bool(p.block_all_inbound)},
             {"undecided", std::move(undecided)}});
    }
    auto rules = nlohmann::json::array();
    for (const auto& r : fw.rules) {
        rules.push_back({{"name", r.name},
                         {"direction", r.inbound ? "in" : "out"},
                         {"action", r.allow ? "allow" : "block"},
                         {"profiles", profiles_list(r.profiles)},
                         {"protocol", protocol_name(r.protocol)},
                         {"local_ports", r.local_ports},
                         {"local_addresses", r.local_addresses},
                         {"program", r.program}});
    }
    return {
        {"com_undecided", undecided_json(fw.com)},
        {"networks_read", fw.networks_read},
        {"networks_undecided", undecided_json(fw.networks_undecided)},
        {"networks", std::move(networks)},
        {"policy_read", fw.policy_read},
        {"policy_undecided", undecided_json(fw.policy_undecided)},
        {"profiles", std::move(profiles)},
        {"current_profiles",
         fw.current_profiles ? profiles_list(*fw.current_profiles) : nlohmann::json(nullptr)},
        {"current_profiles_undecided", undecided_json(fw.current_profiles_undecided)},
        {"local_policy_state", fw.local_policy_state},
        {"local_policy_undecided", undecided_json(fw.local_policy_undecided)},
        {"rules_read", fw.rules_read},
        {"rules_undecided", undecided_json(fw.rules_undecided)},
        {"enabled_rules_seen", fw.enabled_rules_seen},
        {"rules", std::move(rules)},
        {"hyperv_wsl", fw.hyperv_wsl},
        {"hyperv_wsl_undecided", undecided_json(fw.hyperv_wsl_undecided)},
    };
}

}  // namespace netdiag::platform::firewall
