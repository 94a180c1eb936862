// The probes' own options (--wasm, --spice, …), added to `netdiag probe` from the option tables
// of the probe descriptions and the shared options, in registry order.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "netdiag/probe.hpp"

namespace netdiag::cli {

void add_probe_options(CLI::App& probe_command, ProbeOptions& options);
// After parsing: fills what the environment gives for options not on the command line
// ($SPICE_PASSWORD).
void finish_probe_options(const CLI::App& probe_command, ProbeOptions& options);
// The first option whose value this host refutes (an interface it does not have), as
// "--name: why"; nullopt when every value fits.
std::optional<std::string> host_option_error(const ProbeOptions& options,
                                             const platform::HostSnapshot& host);

}  // namespace netdiag::cli
