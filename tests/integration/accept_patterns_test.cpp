// Every Linux shared-accept pattern on loopback with the real netdiag binary as workers: all
// connections served, the distribution reported, workers reaped.
#include <catch2/catch.hpp>

#include <numeric>

#include "accept_process_helpers.hpp"
#include "netdiag/shared_accept.hpp"
#include "probes/shared_accept/accept_analysis.hpp"
#include "probes/shared_accept/connection_driver.hpp"

using namespace netdiag;
namespace pa = netdiag::platform::accept;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

pa::GroupOptions options_for(const std::string& pattern, unsigned workers) {
    pa::GroupOptions options;
    options.pattern = pattern;
    options.workers = workers;
    options.worker_executable = NETDIAG_BINARY;
    return options;
}

}  // namespace

TEST_CASE("shared-accept: every Linux pattern serves every connection and reports who served") {
    const auto before = testing::child_pids();
    for (const auto& pattern : pa::patterns()) {
        DYNAMIC_SECTION(pattern.id) {
            auto started =
                pa::start_group(options_for(pattern.id, 4), Clock::now() + milliseconds(2000));
            REQUIRE(started.group);
            auto& group = *started.group;
            REQUIRE(group.wait_ready(Clock::now() + milliseconds(3000)));
            probes::shared_accept::DriveOptions drive;
            drive.port = group.port();
            drive.connections = 200;
            const auto driven =
                probes::shared_accept::drive_connections(drive, Clock::now() + milliseconds(5000));
            const auto result = group.stop(Clock::now() + milliseconds(2000));

            probes::shared_accept::PatternRun run;
            run.pattern = pattern;
            run.group = result;
            run.drive = driven;
            run.driven = true;
            run.requested_connections = 200;
            const auto spread = probes::shared_accept::analyse(run);
            CHECK(spread.served_total == 200);
            CHECK(spread.failed == 0);
            CHECK(probes::shared_accept::verdict(run, spread) == "works");
            REQUIRE(result.workers.size() == 4);
            std::uint64_t accepted = 0;
            for (const auto& w : result.workers) {
                INFO("worker " << w.id << " " << pa::to_string(w.end) << " " << w.end_detail);
                CHECK(w.ready);
                CHECK(w.summary_received);
                CHECK(w.end == pa::WorkerEnd::exited);
                CHECK(w.failures.empty());
                CHECK((w.pid != 0) == pattern.processes);
                // The worker's own count and the client's agree connection for connection.
                CHECK(w.accepted == spread.served[w.id]);
                accepted += w.accepted;
            }
            CHECK(accepted == 200);
            const auto json = probes::shared_accept::to_json(run, spread);
            CHECK(json["workers"].size() == 4);
            CHECK(json["served"] == 200);
            const auto table = probes::shared_accept::worker_table(run, spread);
            CHECK(table["rows"].size() == 4);
        }
    }
    // No worker process outlives its group.
    CHECK(testing::child_pids() == before);
}

TEST_CASE("shared-accept: HTTP reply mode answers a minimal HTTP request") {
    auto options = options_for("inherit-epoll", 2);
    options.reply = pa::Reply::http;
    auto started = pa::start_group(options, Clock::now() + milliseconds(2000));
    REQUIRE(started.group);
    REQUIRE(started.group->wait_ready(Clock::now() + milliseconds(3000)));
    const auto command = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(started.group->port()) +
                         " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 2 cat <&3";
    FILE* pipe = ::popen(("bash -c \"" + command + "\"").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string reply;
    char buffer[512];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) reply.append(buffer, n);
    ::pclose(pipe);
    started.group->stop(Clock::now() + milliseconds(1000));
    CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(reply.find("Connection: close") != std::string::npos);
    CHECK((reply.find("\r\n\r\n0\n") != std::string::npos ||
           reply.find("\r\n\r\n1\n") != std::string::npos));
}
