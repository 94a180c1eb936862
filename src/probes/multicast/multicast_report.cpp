#include "probes/multicast/multicast_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace netdiag::probes::multicast {
namespace {

nlohmann::json error_json(const SysError& e) {
    if (!e) return nullptr;
    return e.to_evidence();
}

std::string short_error(const SysError& e) {
    return fmt::format("{} ({})", e.native_name, e.native);
}

std::string state_text(const InterfaceCheck& row) {
    if (row.is_default) return "-";
    std::string s = row.up ? "up" : "down";
    if (row.up && !row.running) s += ",no-carrier";
    return s;
}

std::string flags_text(const InterfaceCheck& row) {
    if (row.is_default) return "-";
    std::string s;
    if (row.loopback) s += "loopback";
    if (row.multicast_flag) s += std::string(s.empty() ? "" : ",") + "multicast";
    return s.empty() ? "-" : s;
}

std::string yes_no(bool tried, bool value) {
    return !tried ? "-" : value ? "yes" : "no";
}

// The first thing that went wrong on the row, short: "join ENODEV (19)".
std::string row_error(const InterfaceCheck& row) {
    if (!row.skipped.empty()) return row.skipped;
    if (row.join_error) return "join " + short_error(row.join_error);
    if (!row.failed_step.empty()) return row.failed_step + " " + short_error(row.setup_error);
    if (row.send_error) return "send " + short_error(row.send_error);
    if (row.looped_elsewhere) return "came back through " + row.arrival_name + " only";
    if (row.sent && !row.looped_back && row.foreign_datagrams > 0) {
        return fmt::format("undecided: {} other datagram(s) on the port", row.foreign_datagrams);
    }
    if (row.sent && !row.looped_back) return "not looped back";
    return "";
}

// "yes", "no", "?" (undecided), "via lo" (came back on another interface), "-" (not tried).
std::string looped_text(const MulticastFacts& facts, const InterfaceCheck& row) {
    if (row.looped_elsewhere) return "via " + row.arrival_name;
    // The kernel's own choice is whatever the route says; through a loopback interface the
    // round trip proves only that.
    if (row.is_default && row.looped_back) {
        for (const auto& other : facts.interfaces) {
            if (!other.is_default && other.loopback && other.index == row.arrival_index &&
                row.arrival_index != 0) {
                return "via " + other.name;
            }
        }
    }
    if (!row.looped_back && row.foreign_datagrams > 0) return "?";
    return yes_no(row.tried, row.looped_back);
}

nlohmann::json zenoh_socket_table(const MulticastFacts& facts) {
    const auto& layout = facts.zenoh_socket;
    nlohmann::json table = {
        {"title", fmt::format("Zenoh's one socket ({}:{}, SO_REUSEADDR), joined on every "
                              "interface it uses; igmp_max_memberships {}",
                              layout.bind_address, facts.test_port,
                              layout.membership_limit ? std::to_string(*layout.membership_limit)
                                                      : std::string("-"))},
        {"columns", {"interface", "address", "join"}},
        {"rows", nlohmann::json::array()}};
    for (const auto& j : layout.joins) {
        table["rows"].push_back({j.interface, j.address.empty() ? "-" : j.address,
                                 j.error ? short_error(j.error) : "ok"});
    }
    return table;
}

nlohmann::json interface_table(const MulticastFacts& facts) {
    nlohmann::json table = {
        {"title", fmt::format("Per interface: join {} and send with loopback (port {})",
                              facts.group, facts.test_port)},
        {"columns",
         {"interface", "state", "flags", "address", "zenoh", "rp_filter", "joined", "sent",
          "looped", "error"}},
        {"rows", nlohmann::json::array()}};
    for (const auto& row : facts.interfaces) {
        table["rows"].push_back(
            {row.name, state_text(row), flags_text(row), row.address.empty() ? "-" : row.address,
             row.is_default || !row.selected ? "-"
             : row.zenoh_uses                ? "uses"
                                             : "skips",
             row.rp_filter ? std::to_string(*row.rp_filter) : "-", yes_no(row.tried, row.joined),
             yes_no(row.tried, row.sent), looped_text(facts, row), row_error(row)});
    }
    return table;
}

nlohmann::json bind_table(const MulticastFacts& facts) {
    nlohmann::json table = {{"title", fmt::format("Binds on port {}", facts.port)},
                            {"columns", {"bind", "options", "as zenoh", "result"}},
                            {"rows", nlohmann::json::array()}};
    for (const auto& b : facts.binds) {
        table["rows"].push_back({b.address.find(':') != std::string::npos
                                     ? fmt::format("[{}]:{}", b.address, facts.port)
                                     : fmt::format("{}:{}", b.address, facts.port),
                                 platform::multicast::describe(b.mode), b.as_zenoh ? "yes" : "",
                                 b.error ? b.error.describe() : "ok"});
    }
    return table;
}

nlohmann::json zenoh_table(const MulticastFacts& facts) {
    nlohmann::json table = {
        {"title", "Zenoh Hello replies"},
        {"columns", {"interface", "from", "zid", "whatami", "version", "locators"}},
        {"rows", nlohmann::json::array()}};
    for (const auto& a : facts.zenoh.answers) {
        std::string locators;
        for (const auto& l : a.hello.locators) locators += (locators.empty() ? "" : " ") + l;
        table["rows"].push_back({a.interface, a.source, proto::zenoh::zid_hex(a.hello.zid),
                                 std::string(proto::zenoh::to_string(a.hello.whatami)),
                                 fmt::format("0x{:02x}", a.hello.version),
                                 locators.empty() ? "(source address)" : locators});
    }
    return table;
}

const char* stage_name(TwoHostStage stage) {
    switch (stage) {
        case TwoHostStage::none:
            return "";
        case TwoHostStage::family:
            return "family";
        case TwoHostStage::resolve:
            return "resolve";
        case TwoHostStage::connect:
            return "connect";
        case TwoHostStage::hello:
            return "hello";
        case TwoHostStage::peer_listen:
            return "peer_listen";
    }
    return "";
}

nlohmann::json two_host_table(const MulticastFacts& facts) {
    const auto& c = facts.two_host;
    nlohmann::json table = {
        {"title", fmt::format("Two hosts: {} both ways, unicast on the same port as the control "
                              "(peer {})",
                              facts.group, c.control)},
        {"columns", {"direction", "multicast", "unicast", "note"}},
        {"rows", nlohmann::json::array()}};
    auto row = [&table](const char* name, const TwoHostDirection& d) {
        if (!d.attempted) return;
        const auto note = !d.error.empty() ? d.error : d.send_error;
        table["rows"].push_back({name, fmt::format("{}/{}", d.received_multicast, d.sent_multicast),
                                 fmt::format("{}/{}", d.received_unicast, d.sent_unicast),
                                 note.empty() ? "" : note});
    };
    row(fmt::format("{} -> {}", c.local_address, c.peer_address).c_str(), c.to_peer);
    row(fmt::format("{} -> {}", c.peer_address, c.local_address).c_str(), c.from_peer);
    return table;
}

}  // namespace

nlohmann::json measurements(const MulticastFacts& facts) {
    nlohmann::json m;
    m["group"] = facts.group;
    m["port"] = facts.port;
    m["loopback_test_port"] = facts.test_port;
    m["family"] = facts.family == platform::multicast::Family::ipv4 ? "ipv4" : "ipv6";
    m["wsl"] = std::string(platform::to_string(facts.wsl));
    if (!facts.wsl_networking.empty()) m["wsl_networking"] = facts.wsl_networking;

    const auto& r = facts.route.route;
    m["route"] = {{"method", r.method}, {"found", r.found},
                  {"type", r.type},     {"interface", r.interface_name},
                  {"source", r.source}, {"error", error_json(r.error)}};
    m["route_summary"] = r.found ? fmt::format("{} via {}{}", r.type, r.interface_name,
                                               r.source.empty() ? "" : " src " + r.source)
                                 : (r.error ? r.error.describe() : std::string("not looked up"));

    m["binds"] = nlohmann::json::array();
    for (const auto& b : facts.binds) {
        m["binds"].push_back({{"address", b.address},
                              {"options", platform::multicast::describe(b.mode)},
                              {"as_zenoh", b.as_zenoh},
                              {"error", error_json(b.error)}});
    }
    if (facts.owners_looked_up) {
        m["port_owners"] = nlohmann::json::array();
        for (const auto& o : facts.owners.owners) {
            m["port_owners"].push_back({{"address", o.local_address},
                                        {"port", o.port},
                                        {"pid", o.pid},
                                        {"process", o.process}});
        }
        m["port_owner_method"] = facts.owners.method;
        if (!facts.owners.note.empty()) m["port_owner_note"] = facts.owners.note;
    }

    m["interfaces"] = nlohmann::json::array();
    for (const auto& row : facts.interfaces) {
        m["interfaces"].push_back({{"name", row.name},
                                   {"default_choice", row.is_default},
                                   {"address", row.address},
                                   {"zenoh_uses", row.zenoh_uses},
                                   {"skipped", row.skipped},
                                   {"joined", row.joined},
                                   {"join_error", error_json(row.join_error)},
                                   {"failed_step", row.failed_step},
                                   {"setup_error", error_json(row.setup_error)},
                                   {"sent", row.sent},
                                   {"send_error", error_json(row.send_error)},
                                   {"looped_back", row.looped_back},
                                   {"looped_elsewhere", row.looped_elsewhere},
                                   {"arrived_on", row.arrival_name},
                                   {"rp_filter", row.rp_filter ? nlohmann::json(*row.rp_filter)
                                                               : nlohmann::json(nullptr)},
                                   {"foreign_datagrams", row.foreign_datagrams},
                                   {"read_after_ms", row.loop_ms ? nlohmann::json(*row.loop_ms)
                                                                 : nlohmann::json(nullptr)}});
    }

    const auto& z = facts.zenoh;
    m["zenoh"] = {{"attempted", z.attempted},     {"window_ms", z.window_ms},
                  {"scout_sent_on", z.sent_on},   {"send_errors", z.send_errors},
                  {"undecodable", z.undecodable}, {"hellos", nlohmann::json::array()}};
    for (const auto& a : z.answers) {
        m["zenoh"]["hellos"].push_back({{"interface", a.interface},
                                        {"source", a.source},
                                        {"zid", proto::zenoh::zid_hex(a.hello.zid)},
                                        {"whatami", proto::zenoh::to_string(a.hello.whatami)},
                                        {"version", a.hello.version},
                                        {"locators", a.hello.locators}});
    }
    m["zenoh_hellos"] = z.answers.size();

    const auto& layout = facts.zenoh_socket;
    m["zenoh_socket"] = {
        {"attempted", layout.attempted},
        {"bind_address", layout.bind_address},
        {"bind_error", error_json(layout.bind_error)},
        {"membership_limit", layout.membership_limit ? nlohmann::json(*layout.membership_limit)
                                                     : nlohmann::json(nullptr)},
        {"joins", nlohmann::json::array()}};
    for (const auto& j : layout.joins) {
        m["zenoh_socket"]["joins"].push_back(
            {{"interface", j.interface}, {"address", j.address}, {"error", error_json(j.error)}});
    }
    const auto& rp = facts.reverse_path;
    auto optional_count = [](const std::optional<std::uint64_t>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    m["reverse_path_drops"] = {{"before", optional_count(rp.drops_before)},
                               {"after", optional_count(rp.drops_after)},
                               {"peers_expected", rp.peers_expected}};
    const auto& fw = facts.firewall;
    if (fw.looked) {
        m["firewall"] = {{"tool", fw.tool},
                         {"read", fw.ruleset_read},
                         {"note", fw.note},
                         {"resent_on", fw.resent_on},
                         {"rules", nlohmann::json::array()}};
        for (const auto& rule : fw.rules) {
            m["firewall"]["rules"].push_back({{"family", rule.family},
                                              {"table", rule.table},
                                              {"chain", rule.chain},
                                              {"hook", rule.hook},
                                              {"handle", rule.handle},
                                              {"text", rule.text},
                                              {"verdict", rule.verdict},
                                              {"counter_rose", rule.counter_rose()}});
        }
    }

    const auto& two = facts.two_host;
    if (two.requested) {
        m["two_hosts"] = {{"peer", two.peer},
                          {"control", two.control},
                          {"stopped_at", stage_name(two.failed_stage)},
                          {"error", two.error},
                          {"local_address", two.local_address},
                          {"local_interface", two.local_interface},
                          {"peer_address", two.peer_address},
                          {"peer_port", two.peer_port},
                          {"local_port", two.local_port},
                          {"count", two.count},
                          {"to_peer", direction_json(two.to_peer)},
                          {"from_peer", direction_json(two.from_peer)}};
    }

    m["tables"] = nlohmann::json::array({interface_table(facts), bind_table(facts)});
    if (two.requested && two.failed_stage == TwoHostStage::none) {
        m["tables"].push_back(two_host_table(facts));
    }
    // Shown in text only when it tells something the per-interface table does not.
    const bool join_failed = std::any_of(layout.joins.begin(), layout.joins.end(),
                                         [](const auto& j) { return bool(j.error); });
    if (join_failed) {
        m["tables"].push_back(zenoh_socket_table(facts));
    }
    if (!z.answers.empty()) m["tables"].push_back(zenoh_table(facts));
    return m;
}

nlohmann::json direction_json(const TwoHostDirection& d) {
    return {{"attempted", d.attempted},
            {"sent_multicast", d.sent_multicast},
            {"received_multicast", d.received_multicast},
            {"sent_unicast", d.sent_unicast},
            {"received_unicast", d.received_unicast},
            {"send_error", d.send_error},
            {"error", d.error}};
}

}  // namespace netdiag::probes::multicast
