// `netdiag probe listeners` against real servers started by the test (listen_server.py): the
// layout it reports for each and the finding each must get. Loopback only; every server and
// client is ended when its test case ends.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "listeners/python_server.hpp"
#include "run_binary.hpp"
#include "test_skip.hpp"

using namespace netdiag::testing;
using nlohmann::json;

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct ListenersRun {
    int code = -1;
    std::string text;  // the report as printed
    json probe;        // the listeners probe in the JSON report
};

// One run: the text report on stdout and the JSON report in a file, as a user would ask.
ListenersRun run_listeners(std::uint16_t port, const std::string& extra = {},
                           const std::string& prefix = {}) {
    static int counter = 0;
    const auto path = std::filesystem::temp_directory_path() /
                      ("netdiag-listeners-" + std::to_string(::getpid()) + "-" +
                       std::to_string(++counter) + ".json");
    const auto run = run_netdiag("probe listeners --listen-port " + std::to_string(port) +
                                     " --format json -o \"" + path.string() + "\" " + extra,
                                 "NO_COLOR=1 " + prefix);
    ListenersRun out;
    out.code = run.code;
    out.text = run.out;
    const auto document = json::parse(slurp(path), nullptr, false);
    std::filesystem::remove(path);
    if (document.is_object() && document.contains("probes") && !document["probes"].empty()) {
        out.probe = document["probes"][0];
    }
    return out;
}

std::vector<json> findings_with(const json& probe, const std::string& id) {
    std::vector<json> out;
    for (const auto& f : probe.value("findings", json::array())) {
        if (f["id"] == id) out.push_back(f);
    }
    return out;
}

// Findings about the sockets themselves. ND-LISTEN-005 is left out: the drop counters are the
// whole network namespace's, and other programs on this host (tests running beside these)
// can drop connections during the window.
std::vector<json> socket_findings(const json& probe) {
    std::vector<json> out;
    for (const auto& f : probe.value("findings", json::array())) {
        if (f["id"] != "ND-LISTEN-005") out.push_back(f);
    }
    return out;
}

std::vector<int> sorted(std::vector<int> pids) {
    std::sort(pids.begin(), pids.end());
    return pids;
}

std::vector<int> pids_of(const json& value) {
    return sorted(value.get<std::vector<int>>());
}

}  // namespace

TEST_CASE("listeners: forked workers in epoll on one socket are an inherited socket, warned",
          "[listeners][loopback]") {
    PythonServer server("shared", 4);
    if (!server.skip_reason().empty()) NETDIAG_SKIP("python3", server.skip_reason());
    REQUIRE(server.ready());
    REQUIRE(wait_until_all(server.pids(), "epoll", 0, seconds(5)));

    const auto run = run_listeners(server.port());
    INFO(run.text);
    CHECK(run.code == 0);  // a warning, below the default --fail-on error
    const auto& m = run.probe["measurements"];
    REQUIRE(m["sockets"].size() == 1);
    const auto& socket = m["sockets"][0];
    CHECK(socket["layout"] == "inherited");
    CHECK(socket["backlog"] == 128);
    // The master that forked the workers holds the socket too.
    auto holders = server.pids();
    holders.push_back(server.master());
    CHECK(pids_of(socket["pids"]) == sorted(holders));

    const auto shared = findings_with(run.probe, "ND-LISTEN-002");
    REQUIRE(shared.size() == 1);
    CHECK(shared[0]["severity"] == "warning");
    CHECK(pids_of(shared[0]["evidence"]["workers"]) == sorted(server.pids()));
    CHECK(shared[0]["evidence"]["waiting_in_epoll"] == 4);
    CHECK(socket_findings(run.probe).size() == 1);
    CHECK(run.text.find("SO_REUSEPORT on this one shared socket does nothing") !=
          std::string::npos);
}

TEST_CASE("listeners: a reuseport group is quiet until a member is stopped while clients come",
          "[listeners][loopback]") {
    PythonServer server("reuseport", 3);
    if (!server.skip_reason().empty()) NETDIAG_SKIP("python3", server.skip_reason());
    REQUIRE(server.ready());
    REQUIRE(wait_until_all(server.pids(), "accept", 0, seconds(5)));

    const auto healthy = run_listeners(server.port());
    INFO(healthy.text);
    CHECK(healthy.code == 0);
    CHECK(healthy.probe["status"] != "fail");
    CHECK(socket_findings(healthy.probe).empty());
    const auto& sockets = healthy.probe["measurements"]["sockets"];
    REQUIRE(sockets.size() == 3);
    std::vector<int> holders;
    for (const auto& s : sockets) {
        CHECK(s["layout"] == "reuseport");
        REQUIRE(s["pids"].size() == 1);
        holders.push_back(s["pids"][0].get<int>());
    }
    CHECK(sorted(holders) == sorted(server.pids()));

    const int stopped = server.pids()[1];
    REQUIRE(::kill(stopped, SIGSTOP) == 0);
    REQUIRE(wait_until_all({stopped}, "", 'T', seconds(5)));
    // Each connection is hashed to one of the three sockets: 60 leave the stopped member
    // none with a chance of (2/3)^60.
    Clients clients(server.port(), 60);
    CHECK(clients.wait_connected(seconds(5)) == 60);

    const auto run = run_listeners(server.port());
    INFO(run.text);
    CHECK(run.code == 1);
    const auto stalled = findings_with(run.probe, "ND-LISTEN-003");
    REQUIRE(stalled.size() == 1);
    CHECK(stalled[0]["severity"] == "error");
    CHECK(pids_of(stalled[0]["evidence"]["pids"]) == std::vector<int>{stopped});
    CHECK(stalled[0]["evidence"]["stopped"] == true);
    CHECK(stalled[0]["evidence"]["queued"].get<int>() > 0);
    CHECK(stalled[0]["evidence"]["group_sockets"] == 3);
    bool shown_stopped = false;
    for (const auto& p : run.probe["measurements"]["processes"]) {
        if (p["pid"] == stopped) shown_stopped = p["state"] == "T" && p["wait"] == "stopped";
    }
    CHECK(shown_stopped);
    ::kill(stopped, SIGCONT);
}

TEST_CASE("listeners: a backlog-1 listener that never accepts has a full queue and drops",
          "[listeners][loopback]") {
    PythonServer server("backlog1", 1);
    if (!server.skip_reason().empty()) NETDIAG_SKIP("python3", server.skip_reason());
    REQUIRE(server.ready());
    // Two fit (the kernel holds backlog + 1); the SYNs of the others are dropped and retried
    // after 1 s, inside the 1.5 s window, so the drop counters rise while the probe watches.
    Clients clients(server.port(), 6);
    CHECK(clients.wait_connected(milliseconds(500)) == 2);

    const auto run = run_listeners(server.port(), "--listen-window 1500ms");
    INFO(run.text);
    CHECK(run.code == 1);
    const auto full = findings_with(run.probe, "ND-LISTEN-001");
    REQUIRE(full.size() == 1);
    const auto& e = full[0]["evidence"];
    CHECK(e["backlog"] == 1);
    CHECK(e["queued"] == 2);
    CHECK(e["listen_overflows_delta"].get<int>() >= 1);
    CHECK(e["listen_drops_delta"].get<int>() >= 1);
    CHECK(run.probe["measurements"]["sockets"][0]["layout"] == "single");
}

TEST_CASE("listeners: without root it names no holder it cannot read and says why",
          "[listeners][loopback]") {
    if (::geteuid() != 0) NETDIAG_SKIP("root", "needs root to run netdiag as another user");
    if (::access("/usr/bin/setpriv", X_OK) != 0) {
        NETDIAG_SKIP("setpriv", "setpriv is not installed (apt-get install util-linux)");
    }
    PythonServer server("shared", 2);
    if (!server.skip_reason().empty()) NETDIAG_SKIP("python3", server.skip_reason());
    REQUIRE(server.ready());

    const auto run = run_listeners(server.port(), "",
                                   "/usr/bin/setpriv --reuid=65534 --regid=65534 "
                                   "--clear-groups ");
    INFO(run.text);
    REQUIRE(run.probe.is_object());
    const auto& m = run.probe["measurements"];
    CHECK(m["privileged"] == false);
    REQUIRE(m["sockets"].size() == 1);
    CHECK(m["sockets"][0]["pids"].empty());
    CHECK(m["sockets"][0]["layout"] == "owner not seen");
    CHECK(m["sockets"][0]["uid"] == 0);
    CHECK(m["not_seen"].get<std::string>().find("run as root") != std::string::npos);
    CHECK(socket_findings(run.probe).empty());  // it does not guess a layout it cannot see
}

TEST_CASE("listeners: a run reads kernel state only and stays short",
          "[listeners][loopback][exclusive]") {
    const auto start = std::chrono::steady_clock::now();
    const auto run = run_netdiag("probe listeners --format json -q");
    const auto took = std::chrono::steady_clock::now() - start;
    INFO(run.err);
    REQUIRE(run.code <= 1);
    const auto report = json::parse(run.out);
    const auto& probe = report["probes"][0];
    CHECK(probe["id"] == "listeners");
    CHECK(probe["status"] != "error");
    CHECK(probe["measurements"]["window_ms"].get<int>() >= 200);
    CHECK(took < seconds(2));
}

TEST_CASE("listeners: a backlog silently capped by a lowered somaxconn is named",
          "[listeners][netns]") {
    if (::geteuid() != 0) NETDIAG_SKIP("root", "needs root for a network namespace");
    if (::access("/usr/bin/unshare", X_OK) != 0) {
        NETDIAG_SKIP("netns", "unshare is not installed (apt-get install util-linux)");
    }
    const auto python = debian_python3();
    if (python.empty()) NETDIAG_SKIP("python3", "python3 is not installed");
    const auto report = std::filesystem::temp_directory_path() /
                        ("netdiag-somaxconn-" + std::to_string(::getpid()) + ".json");
    // somaxconn belongs to the network namespace: lowering it in a new one touches nothing else.
    const std::string command =
        "timeout 30 /usr/bin/unshare -n \"" NETDIAG_SOURCE_DIR
        "/tests/integration/listeners/somaxconn_netns.sh\" \"" NETDIAG_BINARY "\" " +
        python + " \"" NETDIAG_SOURCE_DIR "/tests/integration/listeners/listen_server.py\" \"" +
        report.string() + "\" >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    const auto document = json::parse(slurp(report), nullptr, false);
    std::filesystem::remove(report);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        NETDIAG_SKIP("netns", "could not run a server in a new network namespace");
    }
    REQUIRE(document.is_object());
    const auto& probe = document["probes"][0];
    INFO(probe.dump(2));
    CHECK(probe["measurements"]["somaxconn"] == 64);
    const auto capped = findings_with(probe, "ND-LISTEN-004");
    REQUIRE(capped.size() == 1);
    CHECK(capped[0]["severity"] == "info");
    CHECK(capped[0]["evidence"]["backlog"] == 64);
    CHECK(socket_findings(probe).size() == 1);
}
