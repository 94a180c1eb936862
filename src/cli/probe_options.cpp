#include "probe_options.hpp"

#include <cstdlib>

namespace netdiag::cli {
namespace {

// Every option a probe run accepts: each probe's table in registry order, then the shared ones.
// `group` is the help section the row goes in.
template <class Visit>
void for_each_probe_option(Visit visit) {
    for (const auto& probe : probe_registry()) {
        for (const auto& spec : probe.options) {
            visit(spec, spec.group.empty() ? "Probe " + std::string(probe.id) : spec.group);
        }
    }
    for (const auto& spec : shared_probe_options()) visit(spec, spec.group);
}

CLI::Validator syntax_validator(const OptionSpec& spec) {
    // Empty description: the help shows the type name alone ("HOST:PORT", not
    // "HOST:PORT:HOST:PORT").
    return CLI::Validator([&spec](std::string& value) { return spec.check(value); }, "");
}

}  // namespace

void add_probe_options(CLI::App& probe, ProbeOptions& options) {
    for_each_probe_option([&](const OptionSpec& spec, const std::string& group) {
        CLI::Option* option = nullptr;
        if (spec.repeatable) {
            option = probe.add_option_function<std::vector<std::string>>(
                spec.name,
                [&options, &spec](const std::vector<std::string>& values) {
                    spec.store(options, values);
                },
                spec.help);
        } else {
            option = probe.add_option_function<std::string>(
                spec.name,
                [&options, &spec](const std::string& value) { spec.store(options, {value}); },
                spec.help);
        }
        option->type_name(spec.type_name)->group(group);
        if (spec.range) option->check(CLI::Range(spec.range->first, spec.range->second));
        if (spec.check) option->check(syntax_validator(spec));
        if (spec.show_default) option->default_str(spec.default_text);
    });
}

void finish_probe_options(const CLI::App& probe, ProbeOptions& options) {
    for_each_probe_option([&](const OptionSpec& spec, const std::string&) {
        if (spec.env.empty() || probe.count(spec.name) > 0) return;
        const char* value = std::getenv(spec.env.c_str());
        if (value != nullptr && *value != '\0') spec.store(options, {value});
    });
}

std::optional<std::string> host_option_error(const ProbeOptions& options,
                                             const platform::HostSnapshot& host) {
    std::optional<std::string> error;
    for_each_probe_option([&](const OptionSpec& spec, const std::string&) {
        if (error || !spec.check_host) return;
        if (auto why = spec.check_host(options, host); !why.empty()) {
            error = spec.name + ": " + why;
        }
    });
    return error;
}

}  // namespace netdiag::cli
