// What one pattern run amounts to: connections served per worker (as the client counted
// them), failures, latency percentiles and the spread across workers. Pure code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connection_driver.hpp"
#include "netdiag/shared_accept.hpp"

namespace netdiag::probes::shared_accept {

// Everything the probe saw for one pattern.
struct PatternRun {
    platform::accept::PatternInfo pattern;
    platform::accept::GroupResult group;
    DriveResult drive;
    unsigned requested_connections = 0;
    bool driven = false;
    std::string not_driven_reason;  // when !driven: why no connection was attempted
};

struct Spread {
    std::vector<std::uint64_t> served;  // per worker id, as the client counted
    std::uint64_t served_total = 0;
    std::uint64_t failed = 0;          // attempted connections without a worker id
    std::uint64_t unfinished = 0;      // cut by the deadline
    std::uint64_t unknown_worker = 0;  // an id outside 0..N-1 (never expected)
    double jain_index = 0;  // (Σx)² / (n·Σx²) over workers: 1 = even, 1/n = one worker took all
    double max_min_ratio = 0;      // 0 when some worker served none
    unsigned starved_workers = 0;  // ready workers that served under a tenth of a fair share
    double connections_per_second = 0;
    double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;  // reply latency of served ones
};

Spread analyse(const PatternRun& run);

// Jain's fairness index of the counts; 0 for an empty or all-zero list.
double jain_index(const std::vector<std::uint64_t>& counts);
// The p-th percentile (0..100) by nearest rank of `values` (sorted or not); 0 when empty.
double percentile(std::vector<double> values, double p);

// "works", "fails" (a worker reported a failure or connections went unserved), "partial"
// (cut by the deadline), "not-run".
std::string verdict(const PatternRun& run, const Spread& spread);

nlohmann::json to_json(const PatternRun& run, const Spread& spread);
// The per-worker table for the text report.
nlohmann::json worker_table(const PatternRun& run, const Spread& spread);

}  // namespace netdiag::probes::shared_accept
