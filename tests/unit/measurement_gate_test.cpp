// The measurement gate under contention: readers and writers that time out again and again
// (the pattern probes use, 50 ms slices up to their deadline) must never hold it together.
// The winpthreads rwlock behind std::shared_timed_mutex broke exactly this under Wine.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "netdiag/measurement_gate.hpp"

using namespace std::chrono_literals;

TEST_CASE("measurement gate: timed writers and readers never hold it together") {
    netdiag::MeasurementGate gate;
    std::atomic<int> readers{0};
    std::atomic<int> writers{0};
    std::atomic<bool> violated{false};
    std::atomic<int> reads{0};
    std::atomic<int> writes{0};
    // Readers go first, so the writers keep going a little after the readers stop.
    const auto readers_end = std::chrono::steady_clock::now() + 300ms;
    const auto end = readers_end + 50ms;
    auto reader = [&] {
        while (std::chrono::steady_clock::now() < readers_end) {
            netdiag::WorkingAlongside lock(gate, std::defer_lock);
            if (!lock.try_lock_until(std::chrono::steady_clock::now() + 1ms)) continue;
            ++readers;
            if (writers.load() != 0) violated = true;
            std::this_thread::sleep_for(200us);
            if (writers.load() != 0) violated = true;
            --readers;
            ++reads;
        }
    };
    auto writer = [&] {
        while (std::chrono::steady_clock::now() < end) {
            netdiag::MeasuringAlone lock(gate, std::defer_lock);
            if (!lock.try_lock_until(std::chrono::steady_clock::now() + 1ms)) continue;
            if (++writers != 1 || readers.load() != 0) violated = true;
            std::this_thread::sleep_for(200us);
            if (readers.load() != 0) violated = true;
            --writers;
            ++writes;
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back(reader);
    for (int i = 0; i < 2; ++i) threads.emplace_back(writer);
    for (auto& t : threads) t.join();
    CHECK_FALSE(violated);
    CHECK(reads > 0);
    CHECK(writes > 0);
}

TEST_CASE("measurement gate: a timed wait gives up at its deadline and leaves the gate usable") {
    netdiag::MeasurementGate gate;
    netdiag::WorkingAlongside reading(gate);
    netdiag::MeasuringAlone writing(gate, std::defer_lock);
    const auto asked = std::chrono::steady_clock::now();
    CHECK_FALSE(writing.try_lock_until(asked + 30ms));
    CHECK(std::chrono::steady_clock::now() - asked >= 30ms);
    // A writer waiting never holds readers back.
    netdiag::WorkingAlongside second(gate, std::defer_lock);
    CHECK(second.try_lock_until(std::chrono::steady_clock::now() + 10ms));
    second.unlock();
    reading.unlock();
    CHECK(writing.try_lock_until(std::chrono::steady_clock::now() + 10ms));
}
