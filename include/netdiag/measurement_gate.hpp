// Probes run side by side. A figure that needs the CPU and the network stack to itself
// (udp-batch's datagrams per second) is measured while its probe holds this gate alone; work
// that would disturb such a figure, or be disturbed by it (shared-accept starting workers and
// driving hundreds of connections, wasi-af reading a large module), holds it shared. Waiting on
// the network holds nothing, so a probe that mostly waits (multicast's Zenoh window, the SPICE
// watch) overlaps a measurement instead of being added to it.
#pragma once

#include <mutex>
#include <shared_mutex>

namespace netdiag {

struct MeasurementGate {
    std::shared_timed_mutex mutex;
};

using MeasuringAlone = std::unique_lock<std::shared_timed_mutex>;
using WorkingAlongside = std::shared_lock<std::shared_timed_mutex>;

}  // namespace netdiag
