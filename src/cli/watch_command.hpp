// `netdiag watch`: sits on the host, prints link, address and route events as they happen,
// and at the end (duration or Ctrl-C) prints the summary and writes the report with its
// timeline.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_io.hpp"

namespace netdiag::cli {

struct WatchCommand {
    CLI::App* app = nullptr;  // the subcommand, set by add_watch_command
    std::string duration = "10m";
    std::vector<std::string> interfaces;
    std::string heartbeat;  // HOST:PORT; empty: no heartbeat
    std::string heartbeat_interval = "100ms";
    std::string format = "text";
    std::string output_path;
    std::string fail_on = "error";
    bool redact = false;
    bool quiet = false;
    int verbosity = 0;
};

// Adds the `watch` subcommand to app; command must outlive the parse.
void add_watch_command(CLI::App& app, WatchCommand& command);
// Watches until the duration ends or the run is interrupted; returns netdiag's exit status.
int run_watch_command(const WatchCommand& command, CliIo& io);

}  // namespace netdiag::cli
