// The Prometheus text exposition format (0.0.4), the one node_exporter's textfile collector and
// `promtool check metrics` read, written so that the same bytes are also OpenMetrics 1.0 text:
// each family's samples together under its HELP and TYPE lines, no sample timestamps (the
// textfile collector refuses them), and a final `# EOF` (a comment to the 0.0.4 parsers).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netdiag::metrics {

// Label name and value pairs, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
    Labels labels;
    double value = 0;
};

// Every family netdiag writes is a gauge: each file describes one run, nothing accumulates.
struct Family {
    std::string name;  // with its unit as the suffix: netdiag_run_duration_seconds
    std::string help;  // one line
    std::vector<Sample> samples;
};

// A label value inside double quotes: backslash, double quote and line feed escaped, invalid
// UTF-8 replaced by U+FFFD (both formats require UTF-8).
std::string escape_label_value(std::string_view value);

// HELP text: backslash and line feed escaped, as both formats read them.
std::string escape_help(std::string_view help);

// 1, 0.25, 1.5e+09, NaN, +Inf, -Inf: the spellings both formats parse.
std::string format_value(double value);

// The whole document. Families without samples are left out; a sample whose labels repeat an
// earlier one in its family is dropped: node_exporter would serve the first and log an error at
// every scrape.
std::string render_exposition(const std::vector<Family>& families);

}  // namespace netdiag::metrics
