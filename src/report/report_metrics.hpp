// What `--format openmetrics` exposes of a report, as metric families (docs/metrics.md): the
// run, each probe's status and duration, each finding, and the measurements people alert on.
// Labels name only things with few values (probe, status, finding id, severity, path, pattern,
// interface, SPICE target); never times, PIDs, ports or addresses picked at run time.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "report/exposition.hpp"

namespace netdiag {

// The run, probe status and duration, and finding families.
std::vector<metrics::Family> run_metric_families(const Report& report);

// The measurement families (udp-batch, shared-accept, multicast, spice, watch). A measurement
// missing from the report (an older report, a skipped probe) leaves its series out.
std::vector<metrics::Family> measurement_metric_families(const Report& report);

}  // namespace netdiag
