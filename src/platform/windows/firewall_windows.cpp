// The Windows Firewall and the network categories through COM: INetworkListManager (connected
// networks, their category and adapters) and INetFwPolicy2 (profiles and rules). Every call's
// HRESULT is kept: a call that fails or that Wine has not implemented makes its part undecided,
// never a guessed value.
#include <objbase.h>
#include <oleauto.h>
#include <windows.h>

#include <netfw.h>
#include <netlistmgr.h>

#include <utility>

#include <fmt/format.h>

#include "netdiag/firewall.hpp"
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform::firewall {
namespace {

// Owns one COM interface pointer; Release on scope exit.
template <typename T>
class ComRef {
public:
    ComRef() = default;
    ComRef(const ComRef&) = delete;
    ComRef& operator=(const ComRef&) = delete;
    ~ComRef() {
        if (ptr_ != nullptr) ptr_->Release();
    }
    T** put() { return &ptr_; }
    T* operator->() const { return ptr_; }
    T* get() const { return ptr_; }
    explicit operator bool() const { return ptr_ != nullptr; }

private:
    T* ptr_ = nullptr;
};

// Owns one BSTR.
class Bstr {
public:
    Bstr() = default;
    Bstr(const Bstr&) = delete;
    Bstr& operator=(const Bstr&) = delete;
    ~Bstr() { ::SysFreeString(text_); }
    BSTR* put() { return &text_; }
    std::string utf8() const { return text_ == nullptr ? std::string{} : windows::to_utf8(text_); }

private:
    BSTR text_ = nullptr;
};

// Owns the thread's COM initialisation when this call made it.
class ComApartment {
public:
    ComApartment() : result_(::CoInitializeEx(nullptr, COINIT_MULTITHREADED)) {}
    ComApartment(const ComApartment&) = delete;
    ComApartment& operator=(const ComApartment&) = delete;
    ~ComApartment() {
        if (SUCCEEDED(result_)) ::CoUninitialize();
    }
    // RPC_E_CHANGED_MODE: the thread already has COM in another mode, which is fine to use.
    bool usable() const { return SUCCEEDED(result_) || result_ == RPC_E_CHANGED_MODE; }
    HRESULT result() const { return result_; }

private:
    HRESULT result_;
};

std::uint32_t code(HRESULT hr) {
    return static_cast<std::uint32_t>(hr);
}

std::string guid_text(const GUID& g) {
    return fmt::format("{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
                       g.Data1, g.Data2, g.Data3, g.Data4[0], g.Data4[1], g.Data4[2], g.Data4[3],
                       g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
}

std::optional<unsigned> category_profile(NLM_NETWORK_CATEGORY category) {
    switch (category) {
        case NLM_NETWORK_CATEGORY_PUBLIC:
            return kPublic;
        case NLM_NETWORK_CATEGORY_PRIVATE:
            return kPrivate;
        case NLM_NETWORK_CATEGORY_DOMAIN_AUTHENTICATED:
            return kDomain;
    }
    return std::nullopt;
}

void read_adapters(INetwork* network, Network& out) {
    ComRef<IEnumNetworkConnections> connections;
    if (FAILED(network->GetNetworkConnections(connections.put())) || !connections) return;
    for (;;) {
        ComRef<INetworkConnection> connection;
        ULONG fetched = 0;
        if (connections->Next(1, connection.put(), &fetched) != S_OK || fetched == 0) break;
        GUID adapter{};
        if (SUCCEEDED(connection->GetAdapterId(&adapter))) {
            out.adapter_ids.push_back(guid_text(adapter));
        }
    }
}

void read_networks(HostFirewall& fw) {
    ComRef<INetworkListManager> manager;
    HRESULT hr =
        ::CoCreateInstance(__uuidof(NetworkListManager), nullptr, CLSCTX_ALL,
                           __uuidof(INetworkListManager), reinterpret_cast<void**>(manager.put()));
    if (FAILED(hr)) {
        fw.networks_undecided = undecided_call("CoCreateInstance(NetworkListManager)", code(hr));
        return;
    }
    ComRef<IEnumNetworks> networks;
    hr = manager->GetNetworks(NLM_ENUM_NETWORK_CONNECTED, networks.put());
    if (FAILED(hr) || !networks) {
        fw.networks_undecided = undecided_call("INetworkListManager::GetNetworks", code(hr));
        return;
    }
    fw.networks_read = true;
    for (;;) {
        ComRef<INetwork> network;
        ULONG fetched = 0;
        hr = networks->Next(1, network.put(), &fetched);
        if (FAILED(hr)) {
            fw.networks_read = false;
            fw.networks_undecided = undecided_call("IEnumNetworks::Next", code(hr));
            return;
        }
        if (hr != S_OK || fetched == 0) break;
        Network out;
        Bstr name;
        if (SUCCEEDED(network->GetName(name.put()))) out.name = name.utf8();
        NLM_NETWORK_CATEGORY category{};
        hr = network->GetCategory(&category);
        if (SUCCEEDED(hr)) {
            out.category = category_profile(category);
            if (!out.category) out.category_undecided.note = "unknown network category";
        } else {
            out.category_undecided = undecided_call("INetwork::GetCategory", code(hr));
        }
        read_adapters(network.get(), out);
        fw.networks.push_back(std::move(out));
    }
}

// One VARIANT_BOOL switch of one profile, or its failure among the profile's undecided parts.
std::optional<bool> profile_switch(
    INetFwPolicy2* policy, Profile& profile, const char* call,
    HRESULT (STDMETHODCALLTYPE INetFwPolicy2::*getter)(NET_FW_PROFILE_TYPE2, VARIANT_BOOL*)) {
    VARIANT_BOOL value = VARIANT_FALSE;
    const HRESULT hr = (policy->*getter)(static_cast<NET_FW_PROFILE_TYPE2>(profile.type), &value);
    if (FAILED(hr)) {
        profile.undecided.push_back(undecided_call(
            fmt::format("INetFwPolicy2::{}({})", call, profile_name(profile.type)), code(hr)));
        return std::nullopt;
    }
    return value != VARIANT_FALSE;
}

void read_profiles(INetFwPolicy2* policy, HostFirewall& fw) {
    for (const unsigned type : {kDomain, kPrivate, kPublic}) {
        Profile profile;
        profile.type = type;
        profile.enabled = profile_switch(policy, profile, "get_FirewallEnabled",
                                         &INetFwPolicy2::get_FirewallEnabled);
        profile.block_all_inbound = profile_switch(policy, profile, "get_BlockAllInboundTraffic",
                                                   &INetFwPolicy2::get_BlockAllInboundTraffic);
        NET_FW_ACTION action{};
        const HRESULT hr =
            policy->get_DefaultInboundAction(static_cast<NET_FW_PROFILE_TYPE2>(type), &action);
        if (SUCCEEDED(hr)) {
            profile.default_inbound_block = action == NET_FW_ACTION_BLOCK;
        } else {
            profile.undecided.push_back(undecided_call(
                fmt::format("INetFwPolicy2::get_DefaultInboundAction({})", profile_name(type)),
                code(hr)));
        }
        fw.profiles.push_back(std::move(profile));
    }
    LONG current = 0;
    HRESULT hr = policy->get_CurrentProfileTypes(&current);
    if (SUCCEEDED(hr)) {
        fw.current_profiles = static_cast<unsigned>(current) & kAllProfiles;
    } else {
        fw.current_profiles_undecided =
            undecided_call("INetFwPolicy2::get_CurrentProfileTypes", code(hr));
    }
    NET_FW_MODIFY_STATE state{};
    hr = policy->get_LocalPolicyModifyState(&state);
    if (SUCCEEDED(hr)) {
        fw.local_policy_state = state == NET_FW_MODIFY_STATE_OK            ? "ok"
                                : state == NET_FW_MODIFY_STATE_GP_OVERRIDE ? "group-policy-override"
                                                                           : "inbound-blocked";
    } else {
        fw.local_policy_undecided =
            undecided_call("INetFwPolicy2::get_LocalPolicyModifyState", code(hr));
    }
}

// One rule's fields; false when the rule is disabled or its enabled state is unreadable.
bool read_rule(INetFwRule* rule, Rule& out) {
    VARIANT_BOOL enabled = VARIANT_FALSE;
    if (FAILED(rule->get_Enabled(&enabled)) || enabled == VARIANT_FALSE) return false;
    Bstr name, program, ports, addresses;
    if (SUCCEEDED(rule->get_Name(name.put()))) out.name = name.utf8();
    if (SUCCEEDED(rule->get_ApplicationName(program.put()))) out.program = program.utf8();
    if (SUCCEEDED(rule->get_LocalPorts(ports.put()))) out.local_ports = ports.utf8();
    if (SUCCEEDED(rule->get_LocalAddresses(addresses.put()))) {
        out.local_addresses = addresses.utf8();
    }
    NET_FW_RULE_DIRECTION direction = NET_FW_RULE_DIR_IN;
    if (SUCCEEDED(rule->get_Direction(&direction))) out.inbound = direction == NET_FW_RULE_DIR_IN;
    NET_FW_ACTION action = NET_FW_ACTION_ALLOW;
    if (SUCCEEDED(rule->get_Action(&action))) out.allow = action == NET_FW_ACTION_ALLOW;
    LONG profiles = 0;
    if (SUCCEEDED(rule->get_Profiles(&profiles))) {
        out.profiles = static_cast<unsigned>(profiles) & kAllProfiles;
    }
    LONG protocol = kAnyProtocol;
    if (SUCCEEDED(rule->get_Protocol(&protocol))) out.protocol = static_cast<int>(protocol);
    return true;
}

void read_rules(INetFwPolicy2* policy, HostFirewall& fw) {
    ComRef<INetFwRules> rules;
    HRESULT hr = policy->get_Rules(rules.put());
    if (FAILED(hr) || !rules) {
        fw.rules_undecided = undecided_call("INetFwPolicy2::get_Rules", code(hr));
        return;
    }
    ComRef<IUnknown> enumerator_unknown;
    hr = rules->get__NewEnum(enumerator_unknown.put());
    if (FAILED(hr) || !enumerator_unknown) {
        fw.rules_undecided = undecided_call("INetFwRules::get__NewEnum", code(hr));
        return;
    }
    ComRef<IEnumVARIANT> enumerator;
    hr = enumerator_unknown->QueryInterface(__uuidof(IEnumVARIANT),
                                            reinterpret_cast<void**>(enumerator.put()));
    if (FAILED(hr) || !enumerator) {
        fw.rules_undecided = undecided_call("QueryInterface(IEnumVARIANT)", code(hr));
        return;
    }
    for (;;) {
        VARIANT item;
        ::VariantInit(&item);
        ULONG fetched = 0;
        hr = enumerator->Next(1, &item, &fetched);
        if (FAILED(hr)) {
            fw.rules_undecided = undecided_call("IEnumVARIANT::Next", code(hr));
            return;
        }
        if (hr != S_OK || fetched == 0) break;
        ComRef<INetFwRule> rule;
        if ((item.vt == VT_DISPATCH || item.vt == VT_UNKNOWN) && item.punkVal != nullptr &&
            SUCCEEDED(item.punkVal->QueryInterface(__uuidof(INetFwRule),
                                                   reinterpret_cast<void**>(rule.put())))) {
            Rule out;
            if (read_rule(rule.get(), out)) {
                ++fw.enabled_rules_seen;
                fw.rules.push_back(std::move(out));
            }
        }
        ::VariantClear(&item);
    }
    fw.rules_read = true;
}

void read_policy(HostFirewall& fw) {
    ComRef<INetFwPolicy2> policy;
    const HRESULT hr =
        ::CoCreateInstance(__uuidof(NetFwPolicy2), nullptr, CLSCTX_INPROC_SERVER,
                           __uuidof(INetFwPolicy2), reinterpret_cast<void**>(policy.put()));
    if (FAILED(hr)) {
        fw.policy_undecided = undecided_call("CoCreateInstance(NetFwPolicy2)", code(hr));
        fw.rules_undecided = fw.policy_undecided;
        return;
    }
    fw.policy_read = true;
    read_profiles(policy.get(), fw);
    read_rules(policy.get(), fw);
}

}  // namespace

HostFirewall read_host_firewall() {
    HostFirewall fw;
    fw.applicable = true;
    // The Hyper-V firewall's WSL setting lives in WMI (root\StandardCimv2,
    // MSFT_NetFirewallHyperVVMSetting), which netdiag does not query.
    fw.hyperv_wsl_undecided.note =
        "not read: the setting is only in WMI; run Get-NetFirewallHyperVVMSetting -PolicyStore "
        "ActiveStore -Name '{40E0AC32-46A5-438A-A0B2-2B479E8F2E90}'";
    const ComApartment apartment;
    if (!apartment.usable()) {
        fw.com = undecided_call("CoInitializeEx", code(apartment.result()));
        return fw;
    }
    read_networks(fw);
    read_policy(fw);
    return fw;
}

}  // namespace netdiag::platform::firewall
