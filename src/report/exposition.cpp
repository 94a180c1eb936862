#include "report/exposition.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/markup.hpp"

namespace netdiag::metrics {

std::string escape_label_value(std::string_view value) {
    std::string out;
    for (const char c : valid_utf8(value)) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    for (const char c : valid_utf8(help)) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    // Whole numbers (counts, flags, Unix seconds) without a fraction or an exponent.
    if (value == std::trunc(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
    return fmt::format("{}", value);
}

std::string render_exposition(const std::vector<Family>& families) {
    std::string out;
    for (const auto& family : families) {
        if (family.samples.empty()) continue;
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", family.name, escape_help(family.help),
                           family.name);
        std::vector<const Labels*> written;
        for (const auto& sample : family.samples) {
            const bool repeated = std::any_of(written.begin(), written.end(),
                                              [&](const Labels* l) { return *l == sample.labels; });
            if (repeated) continue;
            written.push_back(&sample.labels);
            out += family.name;
            if (!sample.labels.empty()) {
                out += '{';
                for (size_t i = 0; i < sample.labels.size(); ++i) {
                    if (i > 0) out += ',';
                    out += fmt::format("{}=\"{}\"", sample.labels[i].first,
                                       escape_label_value(sample.labels[i].second));
                }
                out += '}';
            }
            out += ' ' + format_value(sample.value) + '\n';
        }
    }
    out += "# EOF\n";
    return out;
}

}  // namespace netdiag::metrics
