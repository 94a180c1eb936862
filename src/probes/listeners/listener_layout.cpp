#include "listener_layout.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace netdiag::probes::listeners {

std::string to_string(Layout layout) {
    switch (layout) {
        case Layout::single:
            return "single";
        case Layout::inherited:
            return "inherited";
        case Layout::reuseport:
            return "reuseport";
        case Layout::mixed:
            return "reuseport+inherited";
        case Layout::unowned:
            return "owner not seen";
    }
    return "?";
}

Wait wait_of(const pl::ProcessFacts& process) {
    if (process.state == 'T' || process.state == 't') return Wait::stopped;
    if (process.state == 'R') return Wait::running;
    const auto& w = process.wchan;
    if (w.empty()) return Wait::unknown;
    if (w.find("accept") != std::string::npos) return Wait::accept;
    if (w.find("epoll") != std::string::npos || w.find("ep_poll") != std::string::npos) {
        return Wait::epoll;
    }
    if (w.find("poll") != std::string::npos || w.find("select") != std::string::npos) {
        return Wait::poll_select;
    }
    return Wait::other;
}

std::string to_string(Wait wait) {
    switch (wait) {
        case Wait::unknown:
            return "unknown";
        case Wait::accept:
            return "accept";
        case Wait::epoll:
            return "epoll";
        case Wait::poll_select:
            return "poll/select";
        case Wait::other:
            return "other";
        case Wait::running:
            return "running";
        case Wait::stopped:
            return "stopped";
    }
    return "?";
}

std::string endpoint(const std::string& address, std::uint16_t port) {
    if (address.find(':') != std::string::npos) return fmt::format("[{}]:{}", address, port);
    return fmt::format("{}:{}", address, port);
}

std::vector<long> workers_of(const SocketObservation& socket, const ListenerFacts& facts) {
    const auto& holders = socket.now.holders;
    std::vector<long> workers;
    for (const long pid : holders) {
        if (pid == 1) continue;
        const bool parent_of_holder = std::any_of(holders.begin(), holders.end(), [&](long other) {
            const auto it = facts.processes.find(other);
            return it != facts.processes.end() && it->second.parent == pid;
        });
        if (!parent_of_holder) workers.push_back(pid);
    }
    // A master alone with its socket (every worker gone) still serves nothing, but it is the
    // one process there is: name it rather than nobody.
    if (workers.empty() && !holders.empty()) workers.push_back(holders.front());
    return workers;
}

std::vector<BindGroup> bind_groups(const ListenerFacts& facts) {
    std::map<std::tuple<std::uint16_t, int, std::string>, BindGroup> groups;
    for (std::size_t i = 0; i < facts.sockets.size(); ++i) {
        const auto& s = facts.sockets[i].now;
        auto& g = groups[{s.port, static_cast<int>(s.transport), s.address}];
        g.transport = s.transport;
        g.address = s.address;
        g.port = s.port;
        g.sockets.push_back(i);
    }
    std::vector<BindGroup> out;
    for (auto& [key, g] : groups) {
        std::size_t shared = 0;
        std::size_t owned = 0;
        for (const auto i : g.sockets) {
            if (!facts.sockets[i].now.holders.empty()) ++owned;
            if (workers_of(facts.sockets[i], facts).size() > 1) ++shared;
        }
        if (owned == 0) {
            g.layout = Layout::unowned;
        } else if (g.sockets.size() == 1) {
            g.layout = shared > 0 ? Layout::inherited : Layout::single;
        } else {
            g.layout = shared > 0 ? Layout::mixed : Layout::reuseport;
        }
        out.push_back(std::move(g));
    }
    return out;
}

std::string describe_process(long pid, const ListenerFacts& facts) {
    const auto it = facts.processes.find(pid);
    if (it == facts.processes.end()) return std::to_string(pid);
    const auto& p = it->second;
    std::string text = fmt::format("{} {}", pid, p.name);
    if (!p.user.empty()) text += fmt::format(" ({})", p.user);
    if (p.state != '?') text += fmt::format(" {}", p.state);
    const auto wait = wait_of(p);
    if (!p.wchan.empty()) {
        text += " " + p.wchan;
    } else if (wait == Wait::stopped) {
        text += " stopped";
    }
    return text;
}

}  // namespace netdiag::probes::listeners
