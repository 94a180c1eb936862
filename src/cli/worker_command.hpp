// `netdiag accept-worker`: hidden from --help. The shared-accept probe re-executes netdiag with
// it to run one accept worker; it reports to the probe over its stdout pipe.
#pragma once

#include <CLI/CLI.hpp>

#include "cli_io.hpp"
#include "netdiag/shared_accept.hpp"

namespace netdiag::cli {

struct WorkerCommand {
    CLI::App* app = nullptr;  // the subcommand, set by add_worker_command
    platform::accept::WorkerArgs args;
    std::string reply = "id";
    unsigned lifetime_ms = 60000;
};

void add_worker_command(CLI::App& app, WorkerCommand& command);
int run_worker_command(WorkerCommand& command);

}  // namespace netdiag::cli
