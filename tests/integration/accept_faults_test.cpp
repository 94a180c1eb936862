// Faults in shared-accept worker groups: a worker killed mid-run is reported (not hung on), a
// worker that stops responding is killed at the deadline, and no worker outlives the group or
// the probe.
#include <signal.h>

#include <catch2/catch.hpp>

#include "accept_process_helpers.hpp"
#include "netdiag/shared_accept.hpp"
#include "probes/shared_accept/accept_analysis.hpp"
#include "probes/shared_accept/accept_findings.hpp"
#include "probes/shared_accept/connection_driver.hpp"
#include "run_binary.hpp"

using namespace netdiag;
namespace pa = netdiag::platform::accept;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::unique_ptr<pa::WorkerGroup> start(const std::string& pattern, unsigned workers) {
    pa::GroupOptions options;
    options.pattern = pattern;
    options.workers = workers;
    options.worker_executable = NETDIAG_BINARY;
    auto started = pa::start_group(options, Clock::now() + milliseconds(2000));
    REQUIRE(started.group);
    REQUIRE(started.group->wait_ready(Clock::now() + milliseconds(3000)));
    return std::move(started.group);
}

probes::shared_accept::DriveResult drive(std::uint16_t port, unsigned connections) {
    probes::shared_accept::DriveOptions options;
    options.port = port;
    options.connections = connections;
    // Generous: under a sanitizer on a loaded CI machine a worker can be descheduled for more
    // than the probe's default second, which would read as a lost connection.
    options.per_connection_timeout = milliseconds(4000);
    return probes::shared_accept::drive_connections(options, Clock::now() + milliseconds(15000));
}

}  // namespace

TEST_CASE("shared-accept: a worker killed mid-run is reported and the others serve on") {
    const auto before = testing::child_pids();
    for (const std::string pattern : {"inherit-epoll", "inherit-accept"}) {
        DYNAMIC_SECTION(pattern) {
            auto group = start(pattern, 4);
            const auto first = drive(group->port(), 100);
            const auto victim = group->worker_pid(1);
            REQUIRE(victim > 0);
            REQUIRE(::kill(static_cast<pid_t>(victim), SIGKILL) == 0);
            // kill() returns before the worker is gone: until it is, the kernel may still hand
            // it a connection that then dies with it. Wait for the zombie, as a user would see
            // the crash before the next requests.
            testing::wait_until_dead(static_cast<int>(victim), milliseconds(2000));
            const auto t0 = Clock::now();
            const auto second = drive(group->port(), 100);
            const auto result = group->stop(Clock::now() + milliseconds(2000));
            CHECK(Clock::now() - t0 < std::chrono::seconds(4));  // not hung on the dead worker

            probes::shared_accept::PatternRun run;
            run.pattern = *pa::find_pattern(pattern);
            run.group = result;
            run.drive = second;
            run.driven = true;
            run.requested_connections = 100;
            const auto spread = probes::shared_accept::analyse(run);
            for (const auto& c : second.connections) {
                if (!c.failure.empty())
                    UNSCOPED_INFO("failed: " << c.failure << " " << c.error.describe());
            }
            // The queue is shared: the living workers take every later connection.
            CHECK(spread.served_total == 100);
            CHECK(spread.served[1] == 0);
            const auto& dead = result.workers[1];
            CHECK(dead.end == pa::WorkerEnd::crashed);
            CHECK(dead.signal == SIGKILL);
            CHECK_FALSE(dead.summary_received);
            CHECK(dead.end_detail.find("SIGKILL") != std::string::npos);
            for (unsigned i : {0u, 2u, 3u}) CHECK(result.workers[i].end == pa::WorkerEnd::exited);

            probes::shared_accept::JudgeInput input;
            input.runs.push_back(run);
            const auto findings = probes::shared_accept::judge(input);
            REQUIRE(findings.size() >= 1);
            CHECK(findings[0].id == "ND-ACCEPT-003");
            CHECK(findings[0].evidence["workers"][0]["pid"] == victim);
            CHECK(findings[0].evidence["workers"][0]["signal"] == SIGKILL);
            (void)first;
        }
    }
    CHECK(testing::child_pids() == before);
}

TEST_CASE("shared-accept: a worker that stops responding is killed at the stop deadline",
          "[shared-accept][exclusive]") {
    const auto before = testing::child_pids();
    auto group = start("inherit-epoll", 3);
    const auto frozen = group->worker_pid(2);
    REQUIRE(::kill(static_cast<pid_t>(frozen), SIGSTOP) == 0);
    const auto t0 = Clock::now();
    const auto result = group->stop(Clock::now() + milliseconds(300));
    const auto took = Clock::now() - t0;
    CHECK(took < milliseconds(1500));
    CHECK(result.workers[2].end == pa::WorkerEnd::killed);
    CHECK(result.workers[2].end_detail.find("did not stop in time") != std::string::npos);
    CHECK(result.workers[0].end == pa::WorkerEnd::exited);
    CHECK(testing::child_pids() == before);
}

TEST_CASE("shared-accept: a group dropped without stop() still reaps its workers") {
    const auto before = testing::child_pids();
    { auto group = start("reuseport", 3); }
    CHECK(testing::child_pids() == before);
}

TEST_CASE("shared-accept: a missing worker executable is reported, nothing is left running") {
    pa::GroupOptions options;
    options.pattern = "inherit-accept";
    options.workers = 2;
    options.worker_executable = "/nonexistent/netdiag";
    auto started = pa::start_group(options, Clock::now() + milliseconds(1000));
    REQUIRE(started.group);
    CHECK_FALSE(started.group->wait_ready(Clock::now() + milliseconds(500)));
    const auto result = started.group->stop(Clock::now() + milliseconds(200));
    for (const auto& w : result.workers) {
        CHECK(w.end == pa::WorkerEnd::never_started);
        REQUIRE(w.failures.size() == 1);
        CHECK(w.failures[0].error.native_name == "ENOENT");
    }
}
