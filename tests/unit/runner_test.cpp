// The runner: a throwing probe, a hanging probe, concurrency, exclusive probes, interruption.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "core/runner.hpp"

using namespace netdiag;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

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

// Runs the probes with a 10 s deadline and interrupts the run after `delay`, as Ctrl-C would.
RunOutcome run_interrupted_after(std::chrono::milliseconds delay,
                                 const std::vector<const ProbeInfo*>& probes) {
    std::atomic<bool> interrupt{false};
    RunOptions options;
    options.timeout = 10s;
    options.interrupt = &interrupt;
    std::thread signal([&] {
        std::this_thread::sleep_for(delay);
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
    const auto release = std::make_shared<std::atomic<bool>>(false);
    const auto hang = probe("hang", [release](ProbeContext&) {
        while (!*release) std::this_thread::sleep_for(5ms);  // ignores its deadline
        return ProbeResult{};
    });
    RunOptions options;
    options.timeout = 200ms;
    options.grace = 50ms;
    const auto start = Clock::now();
    const auto outcome = run_probes({&hang}, {}, options);
    const auto took = Clock::now() - start;
    *release = true;
    CHECK(took < 600ms);
    CHECK(took >= 200ms);
    REQUIRE(outcome.results.size() == 1);
    CHECK(outcome.results[0].status == ProbeStatus::error);
    CHECK(outcome.results[0].reason.find("200 ms deadline") != std::string::npos);
    CHECK(outcome.abandoned_threads);
    std::this_thread::sleep_for(20ms);  // let the abandoned thread see `release`
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
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    std::atomic<bool> overlap_with_exclusive{false};
    auto track = [&](bool exclusive) {
        return [&, exclusive](ProbeContext&) {
            const int now = ++running;
            peak = std::max(peak.load(), now);
            if (exclusive && now > 1) overlap_with_exclusive = true;
            std::this_thread::sleep_for(150ms);
            if (exclusive && running.load() > 1) overlap_with_exclusive = true;
            --running;
            return ProbeResult{};
        };
    };
    const auto a = probe("a", track(false));
    const auto b = probe("b", track(false));
    const auto c = probe("c", track(false));
    const auto x = probe("x", track(true), true);
    const auto start = Clock::now();
    const auto outcome = run_probes({&a, &x, &b, &c}, {}, {});
    const auto took = Clock::now() - start;
    CHECK(peak >= 3);
    CHECK_FALSE(overlap_with_exclusive);
    // Three concurrent (~150 ms) then one alone (~150 ms): far less than four in a row.
    CHECK(took < 550ms);
    // Results keep the order the probes were given.
    CHECK(outcome.results[1].probe == "x");
    for (const auto& r : outcome.results) CHECK(r.status == ProbeStatus::pass);
}

TEST_CASE("an interrupt stops the run promptly and marks it") {
    const auto slow = probe("slow", [](ProbeContext& context) {
        while (!context.cancelled()) std::this_thread::sleep_for(2ms);
        return ProbeResult{};
    });
    const auto later = probe(
        "later", [](ProbeContext&) { return ProbeResult{}; }, true);
    const auto start = Clock::now();
    const auto outcome = run_interrupted_after(100ms, {&slow, &later});
    CHECK(Clock::now() - start < 1s);
    CHECK(outcome.interrupted);
    // It returned what it had, nothing: cut short, so not a pass.
    CHECK(outcome.results[0].status == ProbeStatus::skip);
    CHECK(outcome.results[0].reason == "interrupted before it finished");
    // Never started: skipped, not broken.
    CHECK(outcome.results[1].status == ProbeStatus::skip);
    CHECK(outcome.results[1].reason == "not run: the run was interrupted");
}

TEST_CASE("an interrupted probe keeps its findings; one that ended first keeps its pass") {
    const auto quick = probe("quick", [](ProbeContext&) { return ProbeResult{}; });
    const auto finding = probe("finding", warning_when_cancelled);
    const auto outcome = run_interrupted_after(100ms, {&quick, &finding});
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
