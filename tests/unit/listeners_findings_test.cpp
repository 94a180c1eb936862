// The listeners probe's layouts and findings, judged from recorded facts: the socket tables
// and /proc readings of real servers, written down as data.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/writers.hpp"
#include "finding_ids.hpp"
#include "probes/listeners/listener_findings.hpp"
#include "probes/listeners/listener_layout.hpp"
#include "probes/listeners/listener_report.hpp"
#include "report/formats.hpp"

using namespace netdiag;
using namespace netdiag::probes::listeners;

namespace {

using pl::Transport;

// A TCP listener on 127.0.0.1:port with its queue now and in the first reading.
SocketObservation tcp(std::uint16_t port, std::uint64_t inode, std::vector<long> holders,
                      std::uint32_t queued = 0, std::uint32_t backlog = 128,
                      std::optional<std::uint32_t> before = 0) {
    SocketObservation s;
    s.now.transport = Transport::tcp;
    s.now.address = "127.0.0.1";
    s.now.port = port;
    s.now.inode = inode;
    s.now.queued = queued;
    s.now.backlog = backlog;
    s.now.uid = 1000;
    s.now.holders = std::move(holders);
    s.queued_before = before;
    return s;
}

pl::ProcessFacts process(long pid, long parent, char state, std::string wchan) {
    pl::ProcessFacts p;
    p.pid = pid;
    p.parent = parent;
    p.name = "python3";
    p.user = "alice";
    p.state = state;
    p.wchan = std::move(wchan);
    return p;
}

ListenerFacts host(std::uint32_t somaxconn = 4096) {
    ListenerFacts f;
    f.somaxconn = somaxconn;
    f.counters_before = pl::ListenCounters{10, 12};
    f.counters_after = pl::ListenCounters{10, 12};
    f.window = std::chrono::milliseconds(250);
    f.privileged = true;
    return f;
}

}  // namespace

TEST_CASE("listeners: a healthy host (sshd, a resolver on UDP) has no finding", "[unit]") {
    auto f = host();
    f.sockets.push_back(tcp(22, 100, {700}));
    auto v6 = tcp(22, 101, {700});
    v6.now.address = "::";
    f.sockets.push_back(v6);
    auto dns = tcp(53, 102, {800});
    dns.now.transport = Transport::udp;
    dns.now.backlog.reset();
    f.sockets.push_back(dns);
    f.processes[700] = process(700, 1, 'S', "inet_csk_accept");
    f.processes[800] = process(800, 1, 'S', "do_epoll_wait");
    CHECK(judge(f).empty());
    const auto groups = bind_groups(f);
    REQUIRE(groups.size() == 3);  // 0.0.0.0 and :: on one port are two binds, not a group
    for (const auto& g : groups) CHECK(g.layout == Layout::single);
}

TEST_CASE("listeners: an inherited socket names its workers, not the master", "[unit]") {
    auto f = host();
    f.sockets.push_back(tcp(8000, 200, {10, 11, 12, 13}));
    f.processes[10] = process(10, 1, 'S', "do_select");  // the master (gunicorn's arbiter)
    for (long pid : {11, 12, 13}) f.processes[pid] = process(pid, 10, 'S', "do_epoll_wait");
    CHECK(bind_groups(f)[0].layout == Layout::inherited);
    CHECK(workers_of(f.sockets[0], f) == std::vector<long>{11, 12, 13});
    const auto findings = judge(f);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-LISTEN-002"});
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].evidence["waiting_in_epoll"] == 3);
    CHECK(findings[0].remedy[1].find("does nothing") != std::string::npos);
    CHECK(findings[0].docs == "docs/findings/ND-LISTEN-002.md");

    SECTION("workers blocked in accept() are told about it, not warned") {
        for (long pid : {11, 12, 13}) f.processes[pid].wchan = "inet_csk_accept";
        const auto calm = judge(f);
        REQUIRE(calm.size() == 1);
        CHECK(calm[0].severity == Severity::info);
    }
    SECTION("one worker and its master are not a shared socket") {
        f.sockets[0].now.holders = {10, 11};
        CHECK(judge(f).empty());
        CHECK(bind_groups(f)[0].layout == Layout::single);
    }
    SECTION("systemd holding an activated socket is not a worker") {
        f.sockets[0].now.holders = {1, 11};
        CHECK(judge(f).empty());
    }
}

TEST_CASE("listeners: a queue over its backlog is an error with the drop counters", "[unit]") {
    auto f = host();
    f.sockets.push_back(tcp(9000, 300, {20}, 2, 1, 2));
    f.processes[20] = process(20, 1, 'S', "hrtimer_nanosleep");
    f.counters_after = pl::ListenCounters{14, 16};
    const auto findings = judge(f);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-LISTEN-001"});
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].evidence["listen_overflows_delta"] == 4);
    CHECK(findings[0].evidence["listen_drops_delta"] == 4);
    CHECK(findings[0].detail.find("already full") != std::string::npos);

    SECTION("a queue at its backlog still takes one more: not full") {
        f.sockets[0].now.queued = 1;
        f.sockets[0].queued_before = 1;
        CHECK(test::finding_ids(judge(f)) == std::vector<std::string>{"ND-LISTEN-005"});
    }
}

TEST_CASE("listeners: a stopped reuseport member with connections waiting is an error", "[unit]") {
    auto f = host();
    f.sockets.push_back(tcp(7000, 401, {31}, 0, 128, 3));
    f.sockets.push_back(tcp(7000, 402, {32}, 19, 128, 19));
    f.sockets.push_back(tcp(7000, 403, {33}, 0, 128, 0));
    for (long pid : {31, 33}) f.processes[pid] = process(pid, 30, 'S', "inet_csk_accept");
    f.processes[32] = process(32, 30, 'T', "do_signal_stop");
    CHECK(bind_groups(f)[0].layout == Layout::reuseport);
    auto findings = judge(f);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-LISTEN-003"});
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].evidence["pids"] == std::vector<long>{32});
    CHECK(findings[0].evidence["stopped"] == true);

    SECTION("running but accepting nothing while its siblings are served: a warning") {
        f.processes[32] = process(32, 30, 'S', "futex_wait_queue");
        findings = judge(f);
        REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-LISTEN-003"});
        CHECK(findings[0].severity == Severity::warning);
    }
    SECTION("a member whose queue fell is being served: nothing") {
        f.processes[32] = process(32, 30, 'S', "futex_wait_queue");
        f.sockets[1].queued_before = 25;
        CHECK(judge(f).empty());
    }
    SECTION("stopped with an empty queue: new connections will wait") {
        f.sockets[1].now.queued = 0;
        f.sockets[1].queued_before = 0;
        findings = judge(f);
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].severity == Severity::warning);
    }
}

TEST_CASE("listeners: a backlog at a lowered somaxconn is named, louder when it fills", "[unit]") {
    auto f = host(128);
    f.sockets.push_back(tcp(8080, 500, {40}, 0, 128));
    f.processes[40] = process(40, 1, 'S', "inet_csk_accept");
    auto findings = judge(f);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-LISTEN-004"});
    CHECK(findings[0].severity == Severity::info);

    f.sockets[0].now.queued = 129;
    findings = judge(f);
    CHECK(test::finding_ids(findings) ==
          std::vector<std::string>{"ND-LISTEN-001", "ND-LISTEN-004"});
    CHECK(findings[1].severity == Severity::warning);

    SECTION("at the modern default and not pressed: nothing to say") {
        auto modern = host(4096);
        modern.sockets.push_back(tcp(8080, 500, {40}, 0, 4096));
        modern.processes = f.processes;
        CHECK(judge(modern).empty());
    }
}

TEST_CASE("listeners: drops counted with no full queue seen are a warning", "[unit]") {
    auto f = host();
    f.sockets.push_back(tcp(22, 100, {700}));
    f.processes[700] = process(700, 1, 'S', "inet_csk_accept");
    f.counters_after = pl::ListenCounters{10, 17};
    const auto findings = judge(f);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-LISTEN-005"});
    CHECK(findings[0].evidence["listen_drops_delta"] == 5);

    SECTION("counters that cannot be read judge nothing") {
        f.counters_after.reset();
        CHECK(judge(f).empty());
    }
}

TEST_CASE("listeners: what it could not see is said, and not guessed around", "[unit]") {
    auto f = host();
    f.privileged = false;
    f.unreadable_processes = 42;
    auto root_owned = tcp(80, 600, {});
    root_owned.now.uid = 0;
    f.sockets.push_back(root_owned);
    f.sockets.push_back(tcp(80, 601, {}));
    CHECK(bind_groups(f)[0].layout == Layout::unowned);
    CHECK(judge(f).empty());
    const auto notes = blind_spots(f);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("uid 0, 1000") != std::string::npos);
    CHECK(notes[0].find("run as root") != std::string::npos);

    const auto m = measurements(f, bind_groups(f));
    CHECK(m["tables"][0]["rows"].size() == 2);
    CHECK(m["tables"][0]["rows"][0][5] == "not seen (socket uid 0)");
    CHECK(m["not_seen"].get<std::string>().find("42 processes") != std::string::npos);
}

TEST_CASE("listeners: wait channels map to what a worker waits in", "[unit]") {
    CHECK(wait_of(process(1, 0, 'S', "inet_csk_accept")) == Wait::accept);
    CHECK(wait_of(process(1, 0, 'S', "do_epoll_wait")) == Wait::epoll);
    CHECK(wait_of(process(1, 0, 'S', "ep_poll")) == Wait::epoll);
    CHECK(wait_of(process(1, 0, 'S', "do_sys_poll")) == Wait::poll_select);
    CHECK(wait_of(process(1, 0, 'S', "do_select")) == Wait::poll_select);
    CHECK(wait_of(process(1, 0, 'S', "futex_wait_queue")) == Wait::other);
    CHECK(wait_of(process(1, 0, 'T', "do_signal_stop")) == Wait::stopped);
    CHECK(wait_of(process(1, 0, 'R', "")) == Wait::running);
    CHECK(wait_of(process(1, 0, 'S', "")) == Wait::unknown);
    CHECK(endpoint("::", 80) == "[::]:80");
    CHECK(endpoint("127.0.0.1", 80) == "127.0.0.1:80");
}

TEST_CASE("listeners: the port table reaches the text and HTML reports", "[unit]") {
    auto f = host();
    f.sockets.push_back(tcp(8000, 200, {10, 11, 12}, 3, 128, 1));
    f.processes[10] = process(10, 1, 'S', "do_select");
    for (long pid : {11, 12}) f.processes[pid] = process(pid, 10, 'S', "do_epoll_wait");
    Report report;
    ProbeResult result;
    result.probe = "listeners";
    result.findings = judge(f);
    result.measurements = measurements(f, bind_groups(f));
    report.probes.push_back(result);

    const auto text = render_text(report, TextStyle{false});
    CHECK(text.find("127.0.0.1:8000  inherited") != std::string::npos);
    CHECK(text.find("3/128") != std::string::npos);
    CHECK(text.find("11 python3 (alice) S do_epoll_wait") != std::string::npos);
    const auto html = render_html(report);
    CHECK(html.find("<th>processes</th>") != std::string::npos);
    CHECK(html.find("<td>127.0.0.1:8000</td>") != std::string::npos);
}
