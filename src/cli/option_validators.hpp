// CLI11 validators over netdiag's one duration parser and one HOST:PORT parser, so every
// command reads and explains these values alike.
#pragma once

#include <chrono>

#include <CLI/CLI.hpp>

#include "core/host_port.hpp"

namespace netdiag::cli {

CLI::Validator duration_validator(std::chrono::milliseconds minimum = std::chrono::milliseconds{0});
CLI::Validator host_port_validator(const HostPortUse& use);

}  // namespace netdiag::cli
