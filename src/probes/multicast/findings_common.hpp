// Helpers the multicast finding files share.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "netdiag/model.hpp"
#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

inline constexpr FindingFactory make_finding{"multicast"};

// "224.0.0.224:7446", "[ff02::1]:7446".
inline std::string endpoint_text(const std::string& address, std::uint16_t port) {
    if (address.find(':') != std::string::npos) return fmt::format("[{}]:{}", address, port);
    return fmt::format("{}:{}", address, port);
}

inline std::string group_text(const MulticastFacts& facts) {
    return endpoint_text(facts.group, facts.port);
}

inline const char* join_call(const MulticastFacts& facts) {
    return facts.family == platform::multicast::Family::ipv4 ? "IP_ADD_MEMBERSHIP"
                                                             : "IPV6_JOIN_GROUP";
}

// "NAME (N) message" without the final period Windows messages carry, for use mid-sentence.
inline std::string described(const SysError& error) {
    auto text = error.describe();
    while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
    return text;
}

// Adds errno, errno_name and message of error to evidence.
inline void add_error(nlohmann::json& evidence, const SysError& error) {
    evidence["errno"] = error.native;
    evidence["errno_name"] = error.native_name;
    evidence["message"] = error.message;
}

// How Zenoh runs without multicast scouting, the way out when multicast cannot be fixed.
inline std::string zenoh_without_multicast_remedy() {
    return "If multicast cannot work here, run Zenoh without multicast scouting and name peers "
           "explicitly: `scouting/multicast/enabled=false` plus `connect/endpoints` in the Zenoh "
           "config (zenohd: --no-multicast-scouting; dora: `dora daemon --zenoh-no-multicast` or "
           "DORA_ZENOH_MULTICAST=off)";
}

// What the firewall look found, as detail text ("" when nothing was looked at) and evidence
// (rules, how they were read, or why not).
std::string firewall_detail(const MulticastFacts& facts);
void add_firewall_evidence(const MulticastFacts& facts, nlohmann::json& evidence);

// The Windows Firewall's word on a copy lost on `row` (findings_windows_firewall.cpp): text
// for ND-MCAST-004's detail and its evidence; "" where the firewall does not apply.
bool copy_lost(const InterfaceCheck& row);
std::string windows_firewall_detail(const MulticastFacts& facts, const InterfaceCheck& row,
                                    nlohmann::json& evidence);
void judge_windows_firewall(const MulticastFacts& facts, std::vector<Finding>& out);

void judge_joins(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_zenoh_socket(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_send_refused(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_receive_path(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_binds(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_environment(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_zenoh(const MulticastFacts& facts, std::vector<Finding>& out);
void judge_two_hosts(const MulticastFacts& facts, std::vector<Finding>& out);

}  // namespace netdiag::probes::multicast
