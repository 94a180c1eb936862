// Probe `spice`: links the main channel of each SPICE server given with --spice, reads the
// channel list and watches for channels announced again (the QEMU 9.1.1 PLAYBACK case), and
// reports link errors, protocol version, capabilities and the channel table.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::spice {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

}  // namespace netdiag::probes::spice
