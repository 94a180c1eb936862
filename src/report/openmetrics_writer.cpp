// `--format openmetrics`: the report as metrics for Prometheus, most often through
// node_exporter's textfile collector (docs/metrics.md).
#include <iterator>

#include "report/formats.hpp"
#include "report/report_metrics.hpp"

namespace netdiag {

std::string render_openmetrics(const Report& report) {
    auto families = run_metric_families(report);
    auto measured = measurement_metric_families(report);
    std::move(measured.begin(), measured.end(), std::back_inserter(families));
    return metrics::render_exposition(families);
}

}  // namespace netdiag
