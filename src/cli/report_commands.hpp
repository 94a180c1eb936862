// Commands that work on saved JSON reports rather than on the host: `diff` (did it get worse?),
// `merge` (a fleet summary) and `render` (a saved report in another format).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_io.hpp"

namespace netdiag::cli {

struct DiffCommand {
    CLI::App* app = nullptr;
    std::string before_path;
    std::string after_path;
    std::string format = "text";
    std::string threshold = "20%";
    std::string fail_on = "warning";
    std::string output_path;
};

struct MergeCommand {
    CLI::App* app = nullptr;
    std::vector<std::string> paths;
    std::string format = "text";
    std::string fail_on = "error";
    std::string output_path;
};

struct RenderCommand {
    CLI::App* app = nullptr;
    std::string path;
    std::string format = "html";
    std::string fail_on = "error";
    std::string output_path;
};

// Each adds its subcommand to app; the command struct must outlive the parse.
void add_diff_command(CLI::App& app, DiffCommand& command);
void add_merge_command(CLI::App& app, MergeCommand& command);
void add_render_command(CLI::App& app, RenderCommand& command);

// Each returns netdiag's exit status (docs/exit-codes.md).
int run_diff_command(const DiffCommand& command, CliIo& io);
int run_merge_command(const MergeCommand& command, CliIo& io);
int run_render_command(const RenderCommand& command, CliIo& io);

}  // namespace netdiag::cli
