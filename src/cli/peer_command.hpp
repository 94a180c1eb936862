// `netdiag peer`: the other end for `netdiag probe udp-batch --peer HOST:PORT` and
// `netdiag probe multicast --peer HOST:PORT` on another host. It counts the datagrams it
// receives, takes part in the two-host multicast check, and reports over TCP.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli_io.hpp"

namespace netdiag::cli {

struct PeerCommand {
    CLI::App* app = nullptr;  // the subcommand, set by add_peer_command
    std::string listen = "0.0.0.0:47100";
    unsigned max_seconds = 0;  // 0: until interrupted
};

// Adds the `peer` subcommand to app; command must outlive the parse.
void add_peer_command(CLI::App& app, PeerCommand& command);
// Serves until interrupted (or max_seconds); returns netdiag's exit status.
int run_peer_command(const PeerCommand& command, CliIo& io);

}  // namespace netdiag::cli
