// The runner: a throwing probe, a hanging probe, concurrency, the measurement gate, interruption.
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

ProbeDescription probe(std::string_view id, std::function<ProbeResult(ProbeContext&)> body) {
    ProbeDescription info;
    info.id = id;
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
                                const std::vector<const ProbeDescription*>& probes) {
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

TEST_CASE("a probe that throws becomes status error with the reason, others still run") {
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

TEST_CASE("every probe runs at once") {
    // Each probe waits until all four are running: only a runner that starts them together
    // lets them meet.
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0;
    int met = 0;
    auto body = [&](ProbeContext&) {
        std::unique_lock lock(mutex);
        ++running;
        changed.notify_all();
        if (changed.wait_for(lock, 5s, [&] { return running >= 4; })) ++met;
        return ProbeResult{};
    };
    const auto a = probe("a", body);
    const auto b = probe("b", body);
    const auto c = probe("c", body);
    const auto d = probe("d", body);
    const auto outcome = run_probes({&a, &b, &c, &d}, {}, {});
    CHECK(met == 4);
    // Results keep the order the probes were given.
    CHECK(outcome.results[2].probe == "c");
    for (const auto& r : outcome.results) CHECK(r.status == ProbeStatus::pass);
}

TEST_CASE("a probe measuring alone overlaps waiting probes, never heavy work") {
    // "measure" holds the gate alone; "heavy" holds it shared; "waiter" takes nothing and must
    // run while "measure" measures. The heavy probes must never hold the gate at that time.
    std::atomic<int> heavy_inside{0};
    std::atomic<bool> overlap{false};
    std::atomic<int> heavy_done{0};
    ReadyFlag measuring;
    ReadyFlag waiter_saw_measuring;
    auto heavy = [&](ProbeContext& context) {
        const auto alongside = context.work_alongside();
        REQUIRE(alongside.owns_lock());
        ++heavy_inside;
        std::this_thread::sleep_for(20ms);
        --heavy_inside;
        ++heavy_done;
        return ProbeResult{};
    };
    const auto h1 = probe("heavy-1", heavy);
    const auto h2 = probe("heavy-2", heavy);
    const auto m = probe("measure", [&](ProbeContext& context) {
        const auto alone = context.measure_alone();
        REQUIRE(alone.owns_lock());
        measuring.set();
        for (int i = 0; i < 10; ++i) {
            if (heavy_inside.load() > 0) overlap = true;
            std::this_thread::sleep_for(5ms);
        }
        waiter_saw_measuring.wait_for(5s);  // the waiting probe runs meanwhile
        return ProbeResult{};
    });
    const auto w = probe("waiter", [&](ProbeContext&) {
        if (measuring.wait_for(5s)) waiter_saw_measuring.set();
        return ProbeResult{};
    });
    const auto outcome = run_probes({&h1, &m, &w, &h2}, {}, {});
    CHECK_FALSE(overlap);
    CHECK(heavy_done == 2);
    CHECK(waiter_saw_measuring.is_set());
    for (const auto& r : outcome.results) CHECK(r.status == ProbeStatus::pass);
}

TEST_CASE("waiting for the gate ends at the probe's deadline, unowned") {
    // Two probes of one run: the first holds the gate shared and does not let go; the second
    // asks for it alone with 300 ms left.
    const auto gate = std::make_shared<MeasurementGate>();
    const platform::HostSnapshot host;
    const ProbeOptions options;
    const std::atomic<bool> no_cancel{false};
    const auto start = Clock::now();
    ProbeContext heavy("heavy", host, options, start + 10s, no_cancel, {}, gate);
    ProbeContext measuring("measure", host, options, start + 300ms, no_cancel, {}, gate);
    const auto alongside = heavy.work_alongside();
    REQUIRE(alongside.owns_lock());
    const auto alone = measuring.measure_alone();
    const auto waited = Clock::now() - start;
    CHECK_FALSE(alone.owns_lock());
    CHECK(waited >= 300ms);
    CHECK(waited < 2s);  // the deadline, loosely
    // Another heavy probe still gets in beside the first.
    ProbeContext second("heavy-2", host, options, start + 10s, no_cancel, {}, gate);
    CHECK(second.work_alongside().owns_lock());
}

TEST_CASE("an interrupt stops the run promptly and marks it") {
    ReadyFlag started;
    const auto slow = probe("slow", [&](ProbeContext& context) {
        started.set();
        while (!context.cancelled()) std::this_thread::sleep_for(2ms);
        return ProbeResult{};
    });
    const auto start = Clock::now();
    const auto outcome = run_interrupted_when({&started}, {&slow});
    CHECK(Clock::now() - start < 5s);  // the deadline is 10 s
    CHECK(outcome.interrupted);
    // It returned what it had, nothing: cut short, so not a pass.
    CHECK(outcome.results[0].status == ProbeStatus::skip);
    CHECK(outcome.results[0].reason == "interrupted before it finished");
}

TEST_CASE("a run interrupted before it starts runs nothing and says so") {
    bool ran = false;
    const auto p = probe("p", [&](ProbeContext&) {
        ran = true;
        return ProbeResult{};
    });
    std::atomic<bool> interrupt{true};
    RunOptions options;
    options.interrupt = &interrupt;
    const auto outcome = run_probes({&p}, {}, options);
    CHECK_FALSE(ran);
    CHECK(outcome.interrupted);
    // Never started: skipped, not broken.
    CHECK(outcome.results[0].status == ProbeStatus::skip);
    CHECK(outcome.results[0].reason == "not run: the run was interrupted");
}

TEST_CASE("an interrupted probe keeps its findings, one that ended first keeps its pass") {
    // "quick" has returned by the time "finding" says it started, and the interrupt comes
    // only then.
    ReadyFlag quick_done;
    ReadyFlag finding_started;
    const auto quick = probe("quick", [&](ProbeContext&) {
        quick_done.set();
        return ProbeResult{};
    });
    const auto finding = probe("finding", [&](ProbeContext& context) {
        quick_done.wait_for(5s);
        finding_started.set();
        return warning_when_cancelled(context);
    });
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
