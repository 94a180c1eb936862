// The Windows Firewall and the network categories, as host facts: which networks are Public,
// Private or Domain and which adapters sit on them (INetworkListManager), each firewall
// profile's switches and the enabled rules (INetFwPolicy2). Read once per run; the judgement in
// src/firewall/ is pure code over these facts. Other systems report nothing here
// (`applicable` stays false).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace netdiag::platform::firewall {

// Profile bits as INetFwPolicy2 numbers them (NET_FW_PROFILE2_DOMAIN/PRIVATE/PUBLIC).
inline constexpr unsigned kDomain = 1;
inline constexpr unsigned kPrivate = 2;
inline constexpr unsigned kPublic = 4;
inline constexpr unsigned kAllProfiles = kDomain | kPrivate | kPublic;

// IANA protocol numbers the rules use; 256 is Windows' "any".
inline constexpr int kTcp = 6;
inline constexpr int kUdp = 17;
inline constexpr int kAnyProtocol = 256;

// A COM call that did not give an answer: which call, its HRESULT and the HRESULT's name.
// An empty `call` means the part was read.
struct Undecided {
    std::string call;  // "INetFwPolicy2::get_Rules"
    std::uint32_t hresult = 0;
    std::string hresult_name;  // "E_NOTIMPL", "REGDB_E_CLASSNOTREG", or "" when unknown
    std::string note;          // set instead of an HRESULT for reasons that are not a call
    bool decided() const { return call.empty() && note.empty(); }
    std::string describe() const;  // "INetFwPolicy2::get_Rules: E_NOTIMPL (0x80004001)"
};

// One connected network and the adapters on it ("{GUID}", the interfaces' `name`).
struct Network {
    std::string name;
    std::optional<unsigned> category;  // one of kDomain/kPrivate/kPublic; empty if unread
    Undecided category_undecided;
    std::vector<std::string> adapter_ids;
};

// One firewall profile's switches; each empty when its call failed (the reason in undecided).
struct Profile {
    unsigned type = kPublic;  // kDomain, kPrivate or kPublic
    std::optional<bool> enabled;
    std::optional<bool> default_inbound_block;  // NET_FW_ACTION_BLOCK as default inbound action
    std::optional<bool> block_all_inbound;      // "Block all incoming connections"
    std::vector<Undecided> undecided;
};

// One enabled rule, as INetFwRule describes it.
struct Rule {
    std::string name;
    bool inbound = true;
    bool allow = true;
    unsigned profiles = kAllProfiles;
    int protocol = kAnyProtocol;
    std::string local_ports;      // "7446", "5000-5010,7446", "*", "RPC" …; "" means any
    std::string local_addresses;  // "*", "224.0.0.224/255.255.255.255", "LocalSubnet" …
    std::string program;          // full path, "" when the rule applies to every program
};

struct HostFirewall {
    bool applicable = false;  // true where the OS has this firewall (Windows)
    Undecided com;            // CoInitializeEx failed: nothing below was read

    bool networks_read = false;
    Undecided networks_undecided;
    std::vector<Network> networks;

    bool policy_read = false;  // the NetFwPolicy2 object was created
    Undecided policy_undecided;
    std::vector<Profile> profiles;
    std::optional<unsigned> current_profiles;  // bits of the profiles in force now
    Undecided current_profiles_undecided;
    // NET_FW_MODIFY_STATE: "ok", "group-policy-override" (Group Policy rules win over local
    // ones), "inbound-blocked" (inbound is blocked whatever the local rules say).
    std::string local_policy_state;
    Undecided local_policy_undecided;

    bool rules_read = false;
    Undecided rules_undecided;
    unsigned enabled_rules_seen = 0;  // every enabled rule read, before keeping the relevant
    std::vector<Rule> rules;          // enabled rules that match what the probes need

    // The Hyper-V firewall's setting for WSL's virtual machine, when it could be read.
    std::string hyperv_wsl;
    Undecided hyperv_wsl_undecided;
};

// Reads the networks, the firewall profiles and every enabled rule. Never throws; what could
// not be read is undecided with its HRESULT. Elsewhere than Windows: `applicable` is false.
HostFirewall read_host_firewall();

// The name of an HRESULT netdiag meets here ("E_NOTIMPL"), or "" when it has none for it.
std::string hresult_name(std::uint32_t hresult);
// An undecided part from a failed call.
Undecided undecided_call(std::string call, std::uint32_t hresult);

std::string_view profile_name(unsigned type);  // "domain", "private", "public"
std::string protocol_name(int protocol);       // "tcp", "udp", "any", else the number

nlohmann::json to_json(const HostFirewall& firewall);

}  // namespace netdiag::platform::firewall
