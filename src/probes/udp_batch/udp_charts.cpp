#include "probes/udp_batch/udp_charts.hpp"

#include <fmt/format.h>

#include "report/measurement_fields.hpp"

namespace netdiag::probes::udp_batch {

std::vector<BarChart> udp_charts(const nlohmann::json& measurements) {
    using measurement::member, measurement::number_of, measurement::text_of;
    const auto& paths = member(measurements, "paths");
    if (!paths.is_array()) return {};
    BarChart chart{"chart-udp-throughput", "udp-batch: throughput per send path", "Gbit/s", {}};
    for (const auto& path : paths) {
        const auto name = text_of(member(path, "path"));
        if (name.empty()) continue;
        const auto gbit = number_of(member(member(path, "throughput"), "gbit_per_second"));
        if (gbit) {
            chart.bars.push_back({name, *gbit, fmt::format("{:.2f} Gbit/s", *gbit)});
        } else {
            const auto status = text_of(member(member(path, "plain"), "status"));
            chart.bars.push_back({name, 0, status.empty() ? "not measured" : status});
        }
    }
    if (chart.bars.empty()) return {};
    return {chart};
}

}  // namespace netdiag::probes::udp_batch
