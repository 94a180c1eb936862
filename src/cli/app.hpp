// The command line: builds the CLI11 app, runs the chosen command, returns the exit status.
#pragma once

#include <string>
#include <vector>

#include "cli_io.hpp"

namespace netdiag::cli {

// args excludes the program name.
int run(const std::vector<std::string>& args, CliIo& io);

}  // namespace netdiag::cli
