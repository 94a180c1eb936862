#include "accept_analysis.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace netdiag::probes::shared_accept {

using platform::accept::WorkerEnd;

double jain_index(const std::vector<std::uint64_t>& counts) {
    double sum = 0, squares = 0;
    for (auto c : counts) {
        sum += static_cast<double>(c);
        squares += static_cast<double>(c) * static_cast<double>(c);
    }
    if (counts.empty() || squares == 0) return 0;
    return sum * sum / (static_cast<double>(counts.size()) * squares);
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * values.size()));
    return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

Spread analyse(const PatternRun& run) {
    Spread s;
    s.served.assign(run.group.workers.size(), 0);
    std::vector<double> latencies;
    for (const auto& c : run.drive.connections) {
        if (c.worker < 0) {
            ++s.failed;
            continue;
        }
        if (static_cast<std::size_t>(c.worker) >= s.served.size()) {
            ++s.unknown_worker;
            continue;
        }
        ++s.served[static_cast<std::size_t>(c.worker)];
        ++s.served_total;
        latencies.push_back(static_cast<double>(c.latency.count()) / 1000.0);
    }
    s.unfinished = run.drive.unfinished;
    s.jain_index = jain_index(s.served);
    if (!s.served.empty()) {
        const auto [lo, hi] = std::minmax_element(s.served.begin(), s.served.end());
        s.max_min_ratio = *lo == 0 ? 0 : static_cast<double>(*hi) / static_cast<double>(*lo);
    }
    unsigned ready = 0;
    for (const auto& w : run.group.workers) ready += w.ready ? 1 : 0;
    if (ready > 1 && s.served_total > 0) {
        const double fair = static_cast<double>(s.served_total) / ready;
        for (const auto& w : run.group.workers) {
            if (w.ready && static_cast<double>(s.served[w.id]) < fair / 10.0) ++s.starved_workers;
        }
    }
    const double seconds = static_cast<double>(run.drive.elapsed.count()) / 1e6;
    if (seconds > 0) s.connections_per_second = static_cast<double>(s.served_total) / seconds;
    s.p50_ms = percentile(latencies, 50);
    s.p90_ms = percentile(latencies, 90);
    s.p99_ms = percentile(latencies, 99);
    s.max_ms = percentile(latencies, 100);
    return s;
}

std::string verdict(const PatternRun& run, const Spread& spread) {
    if (!run.driven && run.group.workers.empty() && run.group.setup_failures.empty()) {
        return "not-run";
    }
    bool worker_failed = !run.group.setup_failures.empty();
    for (const auto& w : run.group.workers) {
        worker_failed = worker_failed || !w.failures.empty() || w.end == WorkerEnd::crashed ||
                        w.end == WorkerEnd::exited_early || w.end == WorkerEnd::never_started;
    }
    if (worker_failed || spread.failed > 0 || !run.driven) return "fails";
    if (spread.unfinished > 0) return "partial";
    return "works";
}

namespace {

nlohmann::json failure_json(const platform::accept::WorkerFailure& f) {
    auto j = f.error.to_evidence();
    j["step"] = f.step;
    j["count"] = f.count;
    return j;
}

std::string rounded(double value, int digits) {
    return fmt::format("{:.{}f}", value, digits);
}

}  // namespace

nlohmann::json to_json(const PatternRun& run, const Spread& spread) {
    nlohmann::json workers = nlohmann::json::array();
    for (const auto& w : run.group.workers) {
        nlohmann::json failures = nlohmann::json::array();
        for (const auto& f : w.failures) failures.push_back(failure_json(f));
        workers.push_back({{"id", w.id},
                           {"pid", w.pid},
                           {"ready", w.ready},
                           {"served", spread.served[w.id]},
                           {"accepted", w.accepted},
                           {"summary_received", w.summary_received},
                           {"spurious_wakeups", w.spurious_wakeups},
                           {"end", std::string(platform::accept::to_string(w.end))},
                           {"end_detail", w.end_detail},
                           {"failures", failures}});
    }
    nlohmann::json setup = nlohmann::json::array();
    for (const auto& f : run.group.setup_failures) setup.push_back(failure_json(f));
    nlohmann::json connection_failures = nlohmann::json::object();
    for (const auto& c : run.drive.connections) {
        if (c.worker >= 0) continue;
        const auto key = c.error ? c.failure + ": " + c.error.native_name : c.failure;
        connection_failures[key] = connection_failures.value(key, 0) + 1;
    }
    return {{"id", run.pattern.id},
            {"sharing", run.pattern.sharing},
            {"wait", run.pattern.wait},
            {"processes", run.pattern.processes},
            {"result", verdict(run, spread)},
            {"driven", run.driven},
            {"not_driven_reason", run.not_driven_reason},
            {"port", run.group.port},
            {"connections_requested", run.requested_connections},
            {"served", spread.served_total},
            {"failed", spread.failed},
            {"unfinished", spread.unfinished},
            {"connection_failures", connection_failures},
            {"elapsed_ms", static_cast<double>(run.drive.elapsed.count()) / 1000.0},
            {"connections_per_second", std::round(spread.connections_per_second)},
            {"latency_ms",
             {{"p50", spread.p50_ms},
              {"p90", spread.p90_ms},
              {"p99", spread.p99_ms},
              {"max", spread.max_ms}}},
            {"jain_index", std::round(spread.jain_index * 1000) / 1000},
            {"max_min_ratio", std::round(spread.max_min_ratio * 100) / 100},
            {"starved_workers", spread.starved_workers},
            {"setup_failures", setup},
            {"workers", workers},
            {"notes", run.group.notes}};
}

nlohmann::json worker_table(const PatternRun& run, const Spread& spread) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& w : run.group.workers) {
        const double share = spread.served_total == 0
                                 ? 0
                                 : 100.0 * static_cast<double>(spread.served[w.id]) /
                                       static_cast<double>(spread.served_total);
        std::string failures;
        for (const auto& f : w.failures) {
            if (!failures.empty()) failures += "; ";
            failures += fmt::format("{} {} ({}){}", f.step, f.error.native_name, f.error.native,
                                    f.count > 1 ? fmt::format(" ×{}", f.count) : "");
        }
        rows.push_back({w.id, w.pid == 0 ? std::string("thread") : std::to_string(w.pid),
                        spread.served[w.id], rounded(share, 1) + "%",
                        w.summary_received ? std::to_string(w.accepted) : std::string("-"),
                        w.spurious_wakeups, std::string(platform::accept::to_string(w.end)),
                        failures.empty() ? std::string("-") : failures});
    }
    return {{"title", fmt::format("{}: {} of {} connections served, {} conn/s, jain {}",
                                  run.pattern.id, spread.served_total, run.requested_connections,
                                  std::lround(spread.connections_per_second),
                                  rounded(spread.jain_index, 3))},
            {"columns",
             {"worker", "pid", "served", "share", "accepted", "empty wakeups", "end", "failures"}},
            {"rows", rows}};
}

}  // namespace netdiag::probes::shared_accept
