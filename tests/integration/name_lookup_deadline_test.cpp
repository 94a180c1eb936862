// A host name whose resolver never answers: the lookup ends at the probe's deadline, not at
// the resolver's own timeouts (glibc waits 5 s a try, twice, per server). The resolver here is
// a real UDP socket on 127.0.0.1:53 that reads queries and never answers, inside a network and
// mount namespace whose resolv.conf names it.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Runs `netdiag ARGS` where every DNS query goes to a resolver that never answers.
netdiag::testing::BinaryRun run_with_silent_resolver(const std::string& args) {
    const auto dir =
        fs::temp_directory_path() / ("netdiag-silent-dns-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "resolv.conf") << "nameserver 127.0.0.1\n";
    std::ofstream(dir / "silent_resolver.py")
        << "import socket, sys, time\n"
           "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
           "s.bind(('127.0.0.1', 53))\n"
           "open(sys.argv[1], 'w').close()\n"
           "time.sleep(60)\n";
    std::ofstream(dir / "run.sh") << "ip link set lo up\n"
                                     "mount --bind \"$1/resolv.conf\" /etc/resolv.conf\n"
                                     "python3 \"$1/silent_resolver.py\" \"$1/ready\" &\n"
                                     "while [ ! -e \"$1/ready\" ]; do sleep 0.05; done\n"
                                     "\"" NETDIAG_BINARY "\" "
                                  << args
                                  << "\n"
                                     "rc=$?\n"
                                     "kill $!\n"
                                     "exit $rc\n";
    auto run =
        netdiag::testing::run_capturing("timeout 60 /usr/bin/unshare -n -m sh '" +
                                        (dir / "run.sh").string() + "' '" + dir.string() + "'");
    fs::remove_all(dir);
    return run;
}

}  // namespace

TEST_CASE("a peer name whose resolver never answers ends at the probe's deadline",
          "[netns][own-ports]") {
    if (::geteuid() != 0) NETDIAG_SKIP("root", "needs root for a network namespace");
    if (::access("/usr/bin/unshare", X_OK) != 0)
        NETDIAG_SKIP("netns", "unshare is not installed (apt-get install util-linux)");
    if (::access("/usr/bin/python3", X_OK) != 0)
        NETDIAG_SKIP("python3", "python3 is not installed");
    const auto started = Clock::now();
    const auto run = run_with_silent_resolver(
        "probe udp-batch --peer peer.netdiag-test.example:47100 --timeout 2s --format json");
    const auto took = std::chrono::duration<double>(Clock::now() - started).count();
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    const auto report = nlohmann::json::parse(run.out, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    const auto& probe = report.at("probes").at(0);
    CHECK(probe.at("status") == "error");
    const auto reason = probe.at("reason").get<std::string>();
    CHECK(reason.find("peer.netdiag-test.example") != std::string::npos);
    CHECK(reason.find("no answer from the resolver before the deadline") != std::string::npos);
    // 2 s of deadline and the namespace's setup; glibc alone would wait 10 s or more.
    CHECK(took < 6.0);
}
