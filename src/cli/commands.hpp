// The commands behind the CLI; each returns netdiag's exit status.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli_io.hpp"
#include "netdiag/model.hpp"
#include "netdiag/probe.hpp"
#include "report/formats.hpp"

namespace netdiag::cli {

// Every report format; text and json keep their names for existing callers.
using OutputFormat = ReportFormat;

struct ProbeCommandOptions {
    std::vector<std::string> probe_ids;  // empty or all=true: every probe
    bool all = false;
    OutputFormat format = OutputFormat::text;
    std::string output_path;  // -o; empty: stdout
    std::chrono::milliseconds timeout{5000};
    Severity fail_on = Severity::error;
    bool redact = false;
    bool quiet = false;
    ProbeOptions probe_options;
};

int run_probe_command(const ProbeCommandOptions& options, CliIo& io);
int run_list_command(CliIo& io);
int run_explain_command(const std::string& id, CliIo& io);

}  // namespace netdiag::cli
