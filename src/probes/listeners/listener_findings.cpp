#include "listener_findings.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "listener_layout.hpp"

namespace netdiag::probes::listeners {
namespace {

using pl::Transport;

constexpr FindingFactory make{"listeners"};

// The change of the listen drop counters over the window, when both readings exist.
struct CounterDelta {
    bool known = false;
    std::uint64_t overflows = 0;
    std::uint64_t drops = 0;
    bool rose() const { return known && (overflows > 0 || drops > 0); }
};

CounterDelta delta_of(const ListenerFacts& facts) {
    CounterDelta d;
    if (!facts.counters_before || !facts.counters_after) return d;
    d.known = true;
    // A counter never goes back; a smaller second reading is another namespace's, not a drop.
    const auto& a = *facts.counters_before;
    const auto& b = *facts.counters_after;
    d.overflows = b.overflows > a.overflows ? b.overflows - a.overflows : 0;
    d.drops = b.drops > a.drops ? b.drops - a.drops : 0;
    return d;
}

// The kernel's own test (sk_acceptq_is_full): full once the queue is over the backlog.
bool over_backlog(std::optional<std::uint32_t> queued, std::optional<std::uint32_t> backlog) {
    return queued && backlog && *queued > *backlog;
}

bool full(const SocketObservation& s) {
    return s.now.transport == Transport::tcp && over_backlog(s.now.queued, s.now.backlog);
}

bool full_before(const SocketObservation& s) {
    return s.now.transport == Transport::tcp && over_backlog(s.queued_before, s.now.backlog);
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator = "; ") {
    std::string text;
    for (const auto& p : parts) {
        if (!text.empty()) text += separator;
        text += p;
    }
    return text;
}

std::string holders_text(const std::vector<long>& pids, const ListenerFacts& facts) {
    if (pids.empty()) return "no process could be named";
    std::vector<std::string> parts;
    for (const long pid : pids) parts.push_back(describe_process(pid, facts));
    return joined(parts);
}

nlohmann::json socket_evidence(const SocketObservation& s) {
    nlohmann::json e = {{"transport", pl::to_string(s.now.transport)},
                        {"address", s.now.address},
                        {"port", s.now.port},
                        {"inode", s.now.inode},
                        {"pids", s.now.holders}};
    if (s.now.queued) e["queued"] = *s.now.queued;
    if (s.queued_before) e["queued_before"] = *s.queued_before;
    if (s.now.backlog) e["backlog"] = *s.now.backlog;
    return e;
}

bool all_stopped(const std::vector<long>& workers, const ListenerFacts& facts) {
    if (workers.empty()) return false;
    return std::all_of(workers.begin(), workers.end(), [&](long pid) {
        const auto it = facts.processes.find(pid);
        return it != facts.processes.end() && wait_of(it->second) == Wait::stopped;
    });
}

void judge_queue_full(const SocketObservation& s, const ListenerFacts& facts,
                      const CounterDelta& delta, std::vector<Finding>& out) {
    if (!full(s)) return;
    const auto where = endpoint(s.now.address, s.now.port);
    std::string counters =
        delta.known ? fmt::format(
                          "In the {} ms window ListenOverflows rose by {} and ListenDrops "
                          "by {} (counted for the whole network namespace).",
                          facts.window.count(), delta.overflows, delta.drops)
                    : std::string("The listen drop counters could not be read.");
    auto f = make(kIdQueueFull, Severity::error,
                  fmt::format("Accept queue full on {}: {} connections wait, backlog {}", where,
                              *s.now.queued, *s.now.backlog),
                  fmt::format("While the queue is over its backlog the kernel drops each new "
                              "connection attempt; clients retry their SYN after 1, 3, 7 s and "
                              "then time out. {}{} Held by: {}.",
                              s.queued_before && full_before(s)
                                  ? fmt::format("It was already full {} ms earlier ({} waiting). ",
                                                facts.window.count(), *s.queued_before)
                                  : std::string(),
                              counters, holders_text(s.now.holders, facts)));
    f.evidence = socket_evidence(s);
    if (delta.known) {
        f.evidence["listen_overflows_delta"] = delta.overflows;
        f.evidence["listen_drops_delta"] = delta.drops;
        f.evidence["window_ms"] = facts.window.count();
    }
    if (facts.somaxconn) f.evidence["somaxconn"] = *facts.somaxconn;
    f.remedy = {
        "Find why the server does not accept: the port table shows what each holder waits in; "
        "a worker blocked on something else (a lock, a database, a full disk) or stopped "
        "(state T) takes no connections",
        "Add workers, or give each worker its own SO_REUSEPORT socket so no single queue "
        "holds every connection",
        fmt::format("Raise the backlog the server asks for (listen(fd, N): nginx `listen … "
                    "backlog=4096`, gunicorn/uvicorn `--backlog`) and net.core.somaxconn, which "
                    "caps it (now {}): `sysctl -w net.core.somaxconn=4096`",
                    facts.somaxconn ? std::to_string(*facts.somaxconn) : "unknown"),
        "Watch the drops: `nstat -az TcpExtListenOverflows TcpExtListenDrops`, `ss -ltn "
        "sport = :PORT` (Recv-Q against Send-Q)"};
    out.push_back(std::move(f));
}

void judge_shared(const SocketObservation& s, const ListenerFacts& facts,
                  std::vector<Finding>& out) {
    if (s.now.transport != Transport::tcp) return;
    const auto workers = workers_of(s, facts);
    if (workers.size() < 2) return;
    unsigned epoll = 0;
    unsigned poll_select = 0;
    unsigned accept = 0;
    for (const long pid : workers) {
        const auto it = facts.processes.find(pid);
        if (it == facts.processes.end()) continue;
        const auto w = wait_of(it->second);
        epoll += w == Wait::epoll;
        poll_select += w == Wait::poll_select;
        accept += w == Wait::accept;
    }
    const bool herd = epoll + poll_select > 0;
    std::string how;
    if (herd) {
        how = fmt::format(
            "{} of them wait in epoll/poll/select on it: every new connection wakes each "
            "waiter (thundering herd), one wins the accept() and the others go back to sleep, "
            "and epoll wakes the most recent waiter first, so a few workers take most "
            "connections.",
            epoll + poll_select);
    } else if (accept == workers.size()) {
        how =
            "They block in accept(): the kernel wakes one waiter per connection, so the "
            "spread is fair while every worker is idle; a busy worker still holds a place in "
            "the one shared queue.";
    } else {
        how =
            "What they wait in could not be read for all of them (run as root to see wait "
            "channels); with epoll or select on a shared socket the spread is uneven.";
    }
    const auto where = endpoint(s.now.address, s.now.port);
    auto f = make(
        kIdSharedSocket, herd ? Severity::warning : Severity::info,
        fmt::format("One socket on {} is shared by {} worker processes", where, workers.size()),
        fmt::format("Socket {} was opened once and inherited by forked workers: {}. {}",
                    s.now.inode, holders_text(workers, facts), how));
    f.evidence = socket_evidence(s);
    f.evidence["workers"] = workers;
    f.evidence["waiting_in_epoll"] = epoll;
    f.evidence["waiting_in_poll_or_select"] = poll_select;
    f.evidence["waiting_in_accept"] = accept;
    f.remedy = {
        "Give each worker its own listening socket with SO_REUSEPORT, set before bind() in the "
        "worker after the fork (nginx `listen 80 reuseport;`): the kernel then spreads "
        "connections across the sockets by a hash of the addresses",
        "Setting SO_REUSEPORT on this one shared socket does nothing: the kernel balances "
        "between sockets, and here there is only one (a master that sets it before forking, as "
        "some servers' --reuse-port does, changes nothing)",
        "If the workers must share it: EPOLLEXCLUSIVE (Linux 4.5+) or an accept mutex (nginx "
        "`accept_mutex on;`) stops the herd, though EPOLLEXCLUSIVE tends to favour one worker",
        "Compare the patterns on this host: `netdiag probe shared-accept`"};
    out.push_back(std::move(f));
}

// A sibling in the same SO_REUSEPORT group that is being served: its queue is empty or fell.
bool sibling_served(const BindGroup& group, std::size_t self, const ListenerFacts& facts) {
    return std::any_of(group.sockets.begin(), group.sockets.end(), [&](std::size_t i) {
        if (i == self) return false;
        const auto& o = facts.sockets[i];
        if (!o.now.queued) return false;
        return *o.now.queued == 0 || (o.queued_before && *o.now.queued < *o.queued_before);
    });
}

void judge_not_accepting(const BindGroup& group, const ListenerFacts& facts,
                         std::vector<Finding>& out) {
    if (group.transport != Transport::tcp) return;
    const bool in_group = group.sockets.size() > 1;
    for (const auto i : group.sockets) {
        const auto& s = facts.sockets[i];
        const auto workers = workers_of(s, facts);
        if (workers.empty() || !s.now.queued) continue;
        const auto queued = *s.now.queued;
        const bool stopped = all_stopped(workers, facts);
        const bool stagnant = queued > 0 && s.queued_before && queued >= *s.queued_before;
        const bool left_behind = in_group && stagnant && sibling_served(group, i, facts);
        if (!stopped && !left_behind) continue;
        const auto where = endpoint(s.now.address, s.now.port);
        const auto member = in_group ? fmt::format(
                                           "A member of the SO_REUSEPORT group on {} ({} "
                                           "sockets)",
                                           where, group.sockets.size())
                                     : fmt::format("The listener on {}", where);
        std::string title;
        std::string why;
        Severity severity = Severity::error;
        if (stopped && queued > 0) {
            title = fmt::format(
                "{} is not accepting: its process is stopped and {} connections "
                "wait",
                member, queued);
            why =
                "Its workers are stopped (SIGSTOP, a debugger, job control): the "
                "connections in its queue wait until they time out.";
        } else if (stopped) {
            severity = Severity::warning;
            title = fmt::format("{} is not accepting: its process is stopped", member);
            why = in_group ? "Its queue is empty now, but the kernel keeps hashing new "
                             "connections to this socket, and those will wait."
                           : "Its queue is empty now; the next connection will wait.";
        } else {
            severity = Severity::warning;
            title = fmt::format("{} accepts nothing while {} connections wait", member, queued);
            why = fmt::format(
                "Its queue went from {} to {} in {} ms while other members of the "
                "group were served: the worker is stuck or busy elsewhere.",
                *s.queued_before, queued, facts.window.count());
        }
        auto f = make(kIdNotAccepting, severity, std::move(title),
                      fmt::format("{} Socket {} held by: {}.{}", why, s.now.inode,
                                  holders_text(s.now.holders, facts),
                                  in_group ? " The kernel picks the socket by a hash of the "
                                             "client's address and port, not by who is free: "
                                             "this socket's share of new connections stalls."
                                           : ""));
        f.evidence = socket_evidence(s);
        f.evidence["workers"] = workers;
        f.evidence["stopped"] = stopped;
        f.evidence["group_sockets"] = group.sockets.size();
        f.remedy = {
            "Resume or restart the worker: `kill -CONT PID` for a stopped process; a worker "
            "stuck in the wait channel shown needs its own investigation (py-spy, gdb, "
            "`cat /proc/PID/stack` as root)",
            "Close the stuck worker's socket (end the worker) so the kernel stops handing it "
            "connections; connections already in its queue are reset",
            "With SO_REUSEPORT, attach a BPF program (SO_ATTACH_REUSEPORT_EBPF) or let the "
            "supervisor replace dead workers quickly: the kernel does not steer around a "
            "member that stopped accepting"};
        out.push_back(std::move(f));
    }
}

void judge_somaxconn(const BindGroup& group, const ListenerFacts& facts, const CounterDelta& delta,
                     std::vector<Finding>& out) {
    if (group.transport != Transport::tcp || !facts.somaxconn) return;
    const auto cap = *facts.somaxconn;
    std::size_t capped = 0;
    bool any_full = false;
    const SocketObservation* first = nullptr;
    for (const auto i : group.sockets) {
        const auto& s = facts.sockets[i];
        if (!s.now.backlog || *s.now.backlog != cap) continue;
        ++capped;
        any_full = any_full || full(s) || full_before(s);
        if (first == nullptr) first = &s;
    }
    if (capped == 0) return;
    const bool pressed = any_full || delta.rose();
    if (!pressed && cap >= kModernSomaxconn) return;
    const auto where = endpoint(group.address, group.port);
    auto f =
        make(kIdSomaxconnCap, pressed ? Severity::warning : Severity::info,
             fmt::format("Backlog of {} is at the net.core.somaxconn cap ({})", where, cap),
             fmt::format("The server asked listen() for a backlog of {} or more and the kernel "
                         "silently gave it {} (it cannot say what was asked). {}",
                         cap, cap,
                         any_full  ? "The queue is full: a larger backlog would have held the "
                                     "connections that were dropped."
                         : pressed ? "Connections were dropped at listen on this host during the "
                                     "window."
                                   : fmt::format("The kernel default has been {} since Linux 5.4; "
                                                 "this host is tuned lower.",
                                                 kModernSomaxconn)));
    f.evidence = socket_evidence(*first);
    f.evidence["somaxconn"] = cap;
    f.evidence["capped_sockets"] = capped;
    f.remedy = {
        "Raise the cap: `sysctl -w net.core.somaxconn=4096`, and keep it in "
        "/etc/sysctl.d/90-somaxconn.conf (in a container it is per network namespace: set it in "
        "the pod's or container's sysctls)",
        "Restart the server afterwards: the backlog is fixed when it calls listen()",
        "Check what the server asks for (nginx `listen … backlog=N`, gunicorn/uvicorn "
        "`--backlog N`; Python's socket.listen() without an argument asks for 128 at most)"};
    out.push_back(std::move(f));
}

void judge_unexplained_drops(const ListenerFacts& facts, const CounterDelta& delta,
                             std::vector<Finding>& out) {
    if (!delta.rose()) return;
    const bool seen_full = std::any_of(facts.sockets.begin(), facts.sockets.end(),
                                       [](const auto& s) { return full(s) || full_before(s); });
    if (seen_full) return;
    auto f = make(kIdDropsUnexplained, Severity::warning,
                  fmt::format("Connections were dropped at listen: ListenOverflows +{}, "
                              "ListenDrops +{} in {} ms",
                              delta.overflows, delta.drops, facts.window.count()),
                  fmt::format("No accept queue was over its backlog at either reading, so a "
                              "queue overflowed between them or the drops have another cause "
                              "(ListenDrops counts every SYN refused at listen: {} of them were "
                              "not overflows). The counters cover the whole network namespace.",
                              delta.drops > delta.overflows ? delta.drops - delta.overflows : 0));
    f.evidence = {{"listen_overflows_delta", delta.overflows},
                  {"listen_drops_delta", delta.drops},
                  {"window_ms", facts.window.count()}};
    f.remedy = {
        "Watch longer to catch the queue while it is full: `netdiag probe listeners "
        "--listen-window 5s`, or `ss -ltn` in a loop",
        "Follow the counters: `nstat -az TcpExtListenOverflows TcpExtListenDrops`",
        "Drops without overflows point at SYN floods (TcpExtTCPReqQFullDrop, SYN cookies) or "
        "memory pressure rather than a slow server"};
    out.push_back(std::move(f));
}

}  // namespace

std::vector<Finding> judge(const ListenerFacts& facts) {
    std::vector<Finding> out;
    const auto delta = delta_of(facts);
    for (const auto& s : facts.sockets) judge_queue_full(s, facts, delta, out);
    const auto groups = bind_groups(facts);
    for (const auto& g : groups) judge_not_accepting(g, facts, out);
    for (const auto& s : facts.sockets) judge_shared(s, facts, out);
    for (const auto& g : groups) judge_somaxconn(g, facts, delta, out);
    judge_unexplained_drops(facts, delta, out);
    return out;
}

}  // namespace netdiag::probes::listeners
