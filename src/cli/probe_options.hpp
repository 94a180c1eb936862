// Options that belong to particular probes (--wasm, --spice, …), added to `netdiag probe`.
#pragma once

#include <CLI/CLI.hpp>

#include "netdiag/probe.hpp"

namespace netdiag::cli {

void add_probe_options(CLI::App& probe_command, ProbeOptions& options);
// Checks and completes options after parsing (environment fallbacks, value ranges). Throws
// CLI::ValidationError with a precise message.
void finish_probe_options(ProbeOptions& options);

}  // namespace netdiag::cli
