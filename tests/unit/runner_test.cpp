// The runner: a throwing probe, a hanging probe, concurrency, exclusive probes, interruption.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/runner.hpp"
#include "ready_flag.hpp"

using namespace netdiag;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using netdiag::testing::ReadyFlag;

// Time bounds below are loose on purpose: they tell "returned at the deadline" from "waited for
// a probe that ignores it" (seconds apart), and must hold on a loaded 2-core machine running
// other tests, sanitizers included.

namespace {

class LambdaProbe final : public Probe {
public:
    explicit LambdaProbe(std::function<ProbeResult(ProbeContext&)> body) : body_(std::move(body)) {}
    ProbeResult run(ProbeContext& context) override { return body_(context); }

private:
    std::function<ProbeResult(ProbeContext&)> body_;
};

ProbeInfo probe(std::string_view id, std::function<ProbeResult(ProbeContext&)> body,
                bool exclusive = false) {
    ProbeInfo info;
    info.id = id;
    info.exclusive = exclusive;
    info.make = [body] { return std::make_unique<LambdaProbe>(body); };
    return info;
}

// Waits until cancelled (deadline or interrupt), then returns one warning finding.
ProbeResult warning_when_cancelled(ProbeContext& context) {
    while (!context.cancelled()) std::this_thread::sleep_for(2ms);
    ProbeResult r;
    Finding f;
    f.id = "ND-TEST-001";
    f.severity = Severity::warning;
    r.findings = {f};
    return r;
}

// Runs the probes with a 10 s deadline and interrupts the run, as Ctrl-C would, once every
// flag in `when` is set (the probes set them: "I have started", "I am done").
RunOutcome run_interrupted_when(const std::vector<const ReadyFlag*>& when,
                                const std::vector<const ProbeInfo*>& probes) {
    std::atomic<bool> interrupt{false};
    RunOptions options;
    options.timeout = 10s;
    options.interrupt = &interrupt;
    std::thread signal([&] {
        for (const auto* flag : when) flag->wait_for(5s);
        interrupt = true;
    });
    auto outcome = run_probes(probes, {}, options);
    signal.join();
    return outcome;
}

}  // namespace

TEST_CASE("a probe that throws becomes status error with the reason; others still run") {
    const auto bad = probe("bad", [](ProbeContext&) -> ProbeResult {
        throw std::runtime_error("socket() failed: EMFILE (24)");
    });
    const auto good = probe("good", [](ProbeContext&) { return ProbeResult{}; });
    const auto outcome = run_probes({&bad, &good}, {}, {});
    REQUIRE(outcome.results.size() == 2);
    CHECK(outcome.results[0].probe == "bad");
    CHECK(outcome.results[0].status == ProbeStatus::error);
    CHECK(outcome.results[0].reason.find("EMFILE (24)") != std::string::npos);
    CHECK(outcome.results[1].status == ProbeStatus::pass);
    CHECK_FALSE(outcome.abandoned_threads);
}

TEST_CASE("a hanging probe cannot hold the run past its deadline") {
    // Shared, not on this test's stack: the abandoned thread outlives the test case.
    const auto release = std::make_shared<ReadyFlag>();
    const auto returned = std::make_shared<ReadyFlag>();
    const auto hang = probe("hang", [release, returned](ProbeContext&) {
        release->wait_for(60s);  // ignores its deadline
        returned->set();
        return ProbeResult{};
    });
    RunOptions options;
    options.timeout = 200ms;
    options.grace = 50ms;
    const auto start = Clock::now();
    const auto outcome = run_probes({&hang}, {}, options);
    const auto took = Clock::now() - start;
    release->set();
    CHECK(took < 2s);  // the probe would have held it for a minute
    CHECK(took >= 200ms);
    REQUIRE(outcome.results.size() == 1);
    CHECK(outcome.results[0].status == ProbeStatus::error);
    CHECK(outcome.results[0].reason.find("200 ms deadline") != std::string::npos);
    CHECK(outcome.abandoned_threads);
    CHECK(returned->wait_for(5s));  // the abandoned thread is done with everything it shares
}

TEST_CASE("a probe that watches its deadline returns in time with its findings") {
    const auto polite = probe("polite", warning_when_cancelled);
    RunOptions options;
    options.timeout = 100ms;
    const auto outcome = run_probes({&polite}, {}, options);
    CHECK(outcome.results[0].status == ProbeStatus::warn);  // derived from the finding
    CHECK_FALSE(outcome.abandoned_threads);
}

TEST_CASE("shared probes run concurrently, exclusive ones alone") {
    // Each shared probe waits until all three shared ones are running at once: only a runner
    // that runs them concurrently lets them meet. The exclusive one checks that nobody else runs.
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0;
    bool exclusive_running = false;
    bool all_three_met = false;
    bool overlap_with_exclusive = false;
    auto shared = [&](ProbeContext&) {
        std::unique_lock lock(mutex);
        if (exclusive_running) overlap_with_exclusive = true;
        ++running;
        changed.notify_all();
        if (changed.wait_for(lock, 5s, [&] { return running >= 3 || all_three_met; })) {
            all_three_met = true;
        }
        --running;
        return ProbeResult{};
    };
    auto exclusive = [&](ProbeContext&) {
        std::lock_guard lock(mutex);
        if (running > 0) overlap_with_exclusive = true;
        exclusive_running = true;
        return ProbeResult{};
    };
    const auto a = probe("a", shared);
    const auto b = probe("b", shared);
    const auto c = probe("c", shared);
    const auto x = probe(
        "x",
        [&](ProbeContext& context) {
            auto result = exclusive(context);
            std::lock_guard lock(mutex);
            exclusive_running = false;
            return result;
        },
        true);
    const auto outcome = run_probes({&a, &x, &b, &c}, {}, {});
    CHECK(all_three_met);
    CHECK_FALSE(overlap_with_exclusive);
    // Results keep the order the probes were given.
    CHECK(outcome.results[1].probe == "x");
    for (const auto& r : outcome.results) CHECK(r.status == ProbeStatus::pass);
}

TEST_CASE("an interrupt stops the run promptly and marks it") {
    ReadyFlag started;
    const auto slow = probe("slow", [&](ProbeContext& context) {
        started.set();
        while (!context.cancelled()) std::this_thread::sleep_for(2ms);
        return ProbeResult{};
    });
    const auto later = probe(
        "later", [](ProbeContext&) { return ProbeResult{}; }, true);
    const auto start = Clock::now();
    const auto outcome = run_interrupted_when({&started}, {&slow, &later});
    CHECK(Clock::now() - start < 5s);  // the deadline is 10 s
    CHECK(outcome.interrupted);
    // It returned what it had, nothing: cut short, so not a pass.
    CHECK(outcome.results[0].status == ProbeStatus::skip);
    CHECK(outcome.results[0].reason == "interrupted before it finished");
    // Never started: skipped, not broken.
    CHECK(outcome.results[1].status == ProbeStatus::skip);
    CHECK(outcome.results[1].reason == "not run: the run was interrupted");
}

TEST_CASE("an interrupted probe keeps its findings; one that ended first keeps its pass") {
    // Shared probes run before exclusive ones: "quick" has ended and been recorded by the time
    // the exclusive "finding" starts, and the interrupt comes only then.
    ReadyFlag finding_started;
    const auto quick = probe("quick", [](ProbeContext&) { return ProbeResult{}; });
    const auto finding = probe(
        "finding",
        [&](ProbeContext& context) {
            finding_started.set();
            return warning_when_cancelled(context);
        },
        true);
    const auto outcome = run_interrupted_when({&finding_started}, {&quick, &finding});
    CHECK(outcome.results[0].status == ProbeStatus::pass);
    CHECK(outcome.results[1].status == ProbeStatus::warn);
    CHECK(outcome.results[1].findings.size() == 1);
}

TEST_CASE("probes see the deadline and the host snapshot through the context") {
    platform::HostSnapshot host;
    host.facts.hostname = "fixture";
    std::string seen;
    std::chrono::milliseconds left{};
    const auto p = probe("p", [&](ProbeContext& context) {
        seen = context.host().facts.hostname;
        left = context.time_left();
        return ProbeResult{};
    });
    RunOptions options;
    options.timeout = 3s;
    run_probes({&p}, host, options);
    CHECK(seen == "fixture");
    CHECK(left > 2s);
    CHECK(left <= 3s);
}
