#include "listener_report.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace netdiag::probes::listeners {
namespace {

std::string queue_text(const pl::SocketFacts& s) {
    if (!s.queued) return "-";
    if (s.transport == pl::Transport::udp) return fmt::format("{} B", *s.queued);
    if (!s.backlog) return std::to_string(*s.queued);
    return fmt::format("{}/{}", *s.queued, *s.backlog);
}

std::string holders_cell(const SocketObservation& s, const ListenerFacts& facts) {
    if (s.now.holders.empty()) {
        return s.now.uid ? fmt::format("not seen (socket uid {})", *s.now.uid)
                         : std::string("not seen");
    }
    std::string text;
    for (const long pid : s.now.holders) {
        if (!text.empty()) text += "; ";
        text += describe_process(pid, facts);
    }
    return text;
}

nlohmann::json socket_json(const SocketObservation& s, Layout layout) {
    nlohmann::json j = {{"transport", pl::to_string(s.now.transport)},
                        {"address", s.now.address},
                        {"port", s.now.port},
                        {"layout", to_string(layout)},
                        {"pids", s.now.holders}};
    if (s.now.inode != 0) j["inode"] = s.now.inode;
    if (s.now.queued) j["queued"] = *s.now.queued;
    if (s.queued_before) j["queued_before"] = *s.queued_before;
    if (s.now.backlog) j["backlog"] = *s.now.backlog;
    if (s.now.uid) j["uid"] = *s.now.uid;
    return j;
}

}  // namespace

std::vector<std::string> blind_spots(const ListenerFacts& facts) {
    std::vector<std::string> notes = facts.problems;
    notes.insert(notes.end(), facts.visibility.limits.begin(), facts.visibility.limits.end());
    const auto unowned = static_cast<std::size_t>(
        std::count_if(facts.sockets.begin(), facts.sockets.end(),
                      [](const auto& s) { return s.now.holders.empty(); }));
    if (unowned > 0) {
        std::set<std::uint32_t> uids;
        for (const auto& s : facts.sockets) {
            if (s.now.holders.empty() && s.now.uid) uids.insert(*s.now.uid);
        }
        std::string owners;
        for (const auto uid : uids) owners += (owners.empty() ? "" : ", ") + std::to_string(uid);
        const auto which = owners.empty() ? fmt::format("{} socket(s)", unowned)
                                          : fmt::format("{} socket(s) (uid {})", unowned, owners);
        if (facts.unreadable_processes > 0) {
            notes.push_back(fmt::format(
                "{} have no holder this run could read: the open files of {} processes were not "
                "readable ({}), so their holders, states and wait channels are unknown{}",
                which, facts.unreadable_processes,
                facts.privileged ? "protected processes, such as a container's init"
                                 : "other users' processes",
                facts.privileged ? "" : "; run as root to see them"));
        } else {
            notes.push_back(fmt::format(
                "{} have no process this run could name: held from another container or PID "
                "namespace (under Wine: by a non-Windows process), or closed between the readings",
                which));
        }
    }
    return notes;
}

nlohmann::json measurements(const ListenerFacts& facts, const std::vector<BindGroup>& groups) {
    nlohmann::json m = nlohmann::json::object();
    std::set<std::pair<int, std::uint16_t>> ports;
    nlohmann::json rows = nlohmann::json::array();
    nlohmann::json sockets = nlohmann::json::array();
    for (const auto& g : groups) {
        ports.insert({static_cast<int>(g.transport), g.port});
        for (const auto i : g.sockets) {
            const auto& s = facts.sockets[i];
            rows.push_back({pl::to_string(g.transport), endpoint(g.address, g.port),
                            to_string(g.layout),
                            s.now.inode == 0 ? std::string("-") : std::to_string(s.now.inode),
                            queue_text(s.now), holders_cell(s, facts)});
            sockets.push_back(socket_json(s, g.layout));
        }
    }
    m["ports"] = ports.size();
    m["sockets_seen"] = facts.sockets.size();
    m["window_ms"] = facts.window.count();
    if (facts.somaxconn) m["somaxconn"] = *facts.somaxconn;
    if (facts.counters_before && facts.counters_after) {
        const auto& a = *facts.counters_before;
        const auto& b = *facts.counters_after;
        m["listen_overflows"] = b.overflows;
        m["listen_drops"] = b.drops;
        m["listen_overflows_in_window"] =
            b.overflows >= a.overflows ? b.overflows - a.overflows : 0;
        m["listen_drops_in_window"] = b.drops >= a.drops ? b.drops - a.drops : 0;
    }
    // One line, so the text report prints it with the other facts.
    std::string unseen;
    for (const auto& note : blind_spots(facts)) unseen += (unseen.empty() ? "" : "; ") + note;
    if (!unseen.empty()) m["not_seen"] = unseen;
    m["privileged"] = facts.privileged;
    m["sockets"] = sockets;
    nlohmann::json processes = nlohmann::json::array();
    for (const auto& [pid, p] : facts.processes) {
        nlohmann::json j = {{"pid", pid},
                            {"parent", p.parent},
                            {"name", p.name},
                            {"user", p.user},
                            {"state", std::string(1, p.state)},
                            {"wait", to_string(wait_of(p))}};
        if (!p.wchan.empty()) j["wchan"] = p.wchan;
        processes.push_back(std::move(j));
    }
    m["processes"] = processes;
    m["tables"] = nlohmann::json::array(
        {{{"title",
           "listening ports (queue = waiting/backlog for TCP, bytes for UDP; process = "
           "pid name (user) state wait channel)"},
          {"columns", {"proto", "local", "layout", "inode", "queue", "processes"}},
          {"rows", rows}}});
    return m;
}

}  // namespace netdiag::probes::listeners
