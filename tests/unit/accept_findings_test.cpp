// Spread, verdicts and findings of the shared-accept probe, from constructed runs.
#include <catch2/catch.hpp>

#include "finding_ids.hpp"
#include "netdiag/platform.hpp"
#include "probes/shared_accept/accept_analysis.hpp"
#include "probes/shared_accept/accept_findings.hpp"

using namespace netdiag;
using namespace netdiag::probes::shared_accept;
namespace pa = netdiag::platform::accept;

namespace {

// A run whose client saw `served[i]` connections answered by worker i, plus `failed` failures.
PatternRun make_run(const std::vector<int>& served, int failed = 0,
                    const std::string& sharing = "inherit") {
    PatternRun run;
    run.pattern = {"test-" + sharing, sharing, "epoll", true, "test pattern"};
    run.driven = true;
    run.drive.elapsed = std::chrono::milliseconds(100);
    for (std::size_t i = 0; i < served.size(); ++i) {
        pa::WorkerResult w;
        w.id = static_cast<unsigned>(i);
        w.pid = 100 + static_cast<int>(i);
        w.ready = true;
        w.summary_received = true;
        w.accepted = static_cast<std::uint64_t>(served[i]);
        w.end = pa::WorkerEnd::exited;
        run.group.workers.push_back(w);
        for (int k = 0; k < served[i]; ++k) {
            run.drive.connections.push_back(
                {static_cast<int>(i), std::chrono::microseconds(1000 + k), "", {}});
        }
    }
    for (int k = 0; k < failed; ++k) {
        run.drive.connections.push_back(
            {-1, std::chrono::microseconds(0), "connect", platform::describe_native_error(111)});
    }
    run.requested_connections = static_cast<unsigned>(run.drive.connections.size());
    return run;
}

}  // namespace

TEST_CASE("shared-accept spread: Jain index and percentiles") {
    CHECK(jain_index({50, 50, 50, 50}) == Approx(1.0));
    CHECK(jain_index({200, 0, 0, 0}) == Approx(0.25));
    CHECK(jain_index({}) == 0);
    CHECK(percentile({5, 1, 4, 2, 3}, 50) == 3);
    CHECK(percentile({5, 1, 4, 2, 3}, 100) == 5);
    CHECK(percentile({}, 90) == 0);

    const auto even = analyse(make_run({50, 50, 50, 50}));
    CHECK(even.served_total == 200);
    CHECK(even.starved_workers == 0);
    CHECK(even.max_min_ratio == Approx(1.0));
    CHECK(even.connections_per_second == Approx(2000));

    const auto skewed = analyse(make_run({194, 4, 2, 0}));
    CHECK(skewed.starved_workers == 3);  // under a tenth of the fair 50
    CHECK(skewed.max_min_ratio == 0);    // a worker served none
}

TEST_CASE("shared-accept findings: an even, complete run has none") {
    JudgeInput input;
    input.runs.push_back(make_run({50, 50, 50, 50}));
    input.connections = 200;
    input.open_files_limit = 1024;
    CHECK(judge(input).empty());
    CHECK(verdict(input.runs[0], analyse(input.runs[0])) == "works");
}

TEST_CASE("shared-accept findings: the IOCP case names 87 and 995 and what frameworks do") {
    auto run = make_run({0, 0, 0, 0}, 10);
    run.pattern = {"threads-iocp", "threads", "iocp-acceptex", false, "iocp threads"};
    run.group.workers[1].failures.push_back(
        {"CreateIoCompletionPort (associate the listening socket)",
         platform::describe_native_error(87), 1});
    run.group.workers[0].failures.push_back(
        {"AcceptEx completion", platform::describe_native_error(995), 1});
    run.group.notes.push_back("Worker 1 closed the listening socket.");
    JudgeInput input;
    input.runs.push_back(run);
    const auto findings = judge(input);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-ACCEPT-001"});
    const auto& f = findings[0];
    CHECK(f.severity == Severity::error);
    CHECK(f.evidence["pattern"] == "threads-iocp");
    CHECK(f.evidence["failures"].size() == 2);
    CHECK(f.detail.find("Worker 1 closed the listening socket.") != std::string::npos);
    bool mentions_one_worker = false;
    for (const auto& r : f.remedy)
        mentions_one_worker |= r.find("--workers 1") != std::string::npos;
    CHECK(mentions_one_worker);
    CHECK(verdict(run, analyse(run)) == "fails");
}

TEST_CASE("shared-accept findings: crash, starvation, descriptors, unavailable, unserved") {
    JudgeInput input;
    input.connections = 5000;
    input.open_files_limit = 1024;
    auto crashed = make_run({60, 70, 70});
    crashed.group.workers[1].end = pa::WorkerEnd::crashed;
    crashed.group.workers[1].signal = 9;
    crashed.group.workers[1].end_detail = "killed by SIGKILL (9)";
    input.runs.push_back(crashed);
    input.runs.push_back(make_run({190, 8, 2, 0}, 0, "reuseport"));
    auto emfile = make_run({100, 100});
    emfile.group.workers[0].failures.push_back({"accept", platform::describe_native_error(24), 12});
    input.runs.push_back(emfile);
    input.runs.push_back(make_run({100, 90}, 10));
    input.unavailable.push_back({"reuseport", "no SO_REUSEPORT here"});

    const auto found = test::finding_ids(judge(input));
    auto count = [&](const char* id) { return std::count(found.begin(), found.end(), id); };
    CHECK(count("ND-ACCEPT-003") == 1);
    CHECK(count("ND-ACCEPT-002") == 1);
    CHECK(count("ND-ACCEPT-005") == 1);
    CHECK(count("ND-ACCEPT-006") == 1);  // connections failed and no worker said why
    // Linux names 24 EMFILE: a worker out of descriptors, plus the configured-limit warning.
    if (platform::describe_native_error(24).native_name == "EMFILE") {
        CHECK(count("ND-ACCEPT-004") == 2);
    } else {
        CHECK(count("ND-ACCEPT-004") == 1);
    }
    for (const auto& f : judge(input)) {
        CHECK(is_valid_finding_id(f.id));
        CHECK(f.docs == "docs/findings/" + f.id + ".md");
        CHECK_FALSE(f.remedy.empty());
    }
}

TEST_CASE("shared-accept tables: one row per worker, served counts from the client") {
    const auto run = make_run({3, 1});
    const auto table = worker_table(run, analyse(run));
    REQUIRE(table["rows"].size() == 2);
    CHECK(table["rows"][0][2] == 3);
    CHECK(table["rows"][1][2] == 1);
    const auto j = to_json(run, analyse(run));
    CHECK(j["served"] == 4);
    CHECK(j["result"] == "works");
    CHECK(j["workers"][0]["served"] == 3);
}
