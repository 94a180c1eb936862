#include "probes/shared_accept/accept_charts.hpp"

#include <fmt/format.h>

#include "report/measurement_fields.hpp"

namespace netdiag::probes::shared_accept {

std::vector<BarChart> accept_charts(const nlohmann::json& measurements) {
    using measurement::member, measurement::number_of, measurement::text_of;
    std::vector<BarChart> charts;
    const auto& patterns = member(measurements, "patterns");
    if (!patterns.is_array()) return charts;
    for (const auto& pattern : patterns) {
        const auto id = text_of(member(pattern, "id"));
        const auto& workers = member(pattern, "workers");
        if (id.empty() || !workers.is_array() || workers.empty()) continue;
        double total = 0;
        for (const auto& w : workers) total += number_of(member(w, "served")).value_or(0);
        BarChart chart{"chart-accept-" + id,
                       fmt::format("shared-accept {}: connections served per worker", id),
                       "connections",
                       {}};
        for (const auto& w : workers) {
            const double served = number_of(member(w, "served")).value_or(0);
            const auto share = total > 0 ? fmt::format(" ({:.0f}%)", 100 * served / total) : "";
            chart.bars.push_back({"worker " + text_of(member(w, "id")), served,
                                  fmt::format("{:.0f}{}", served, share)});
        }
        charts.push_back(std::move(chart));
    }
    return charts;
}

}  // namespace netdiag::probes::shared_accept
