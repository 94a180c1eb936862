// One row of a probe's option table: what the CLI offers, what the help, `netdiag list`, the
// completion and the docs say about it, how a value is checked and where it is stored. Probes
// build their rows with src/probes/option_builders.hpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netdiag/probe_options.hpp"

namespace netdiag {

namespace platform {
struct HostSnapshot;
}

struct OptionSpec {
    std::string name;       // "--udp-size"
    std::string type_name;  // the value's name in the help: "UINT", "DURATION", "HOST:PORT"
    std::string help;
    std::string group;          // the help's section; empty: "Probe <id>" of the owning probe
    std::string default_text;   // the default as a user would type it; empty when there is none
    bool show_default = false;  // the help shows [default_text]
    bool repeatable = false;    // a list: the option may be given more than once
    std::optional<std::pair<long long, long long>> range;  // numbers: the accepted values
    std::string env;  // an environment variable read when the option is not given
    // Syntax: an empty string for a valid value, else the message (without the option's name).
    std::function<std::string(const std::string&)> check;
    // What only the host can tell (an interface name that exists): checked after parsing.
    std::function<std::string(const ProbeOptions&, const platform::HostSnapshot&)> check_host;
    // A value the option refuses, for the bad-input test; empty for free text.
    std::string invalid_example;
    // Writes the given value(s) into the probe's options; not called when the option is absent.
    std::function<void(ProbeOptions&, const std::vector<std::string>&)> store;
    // Probes that read this option besides its owner (shared options only).
    std::vector<std::string> read_by;

    bool validated() const { return range.has_value() || check || check_host; }

    OptionSpec& shows_default() {
        show_default = true;
        return *this;
    }
    OptionSpec& checked(std::function<std::string(const std::string&)> syntax,
                        std::string refused_example) {
        check = std::move(syntax);
        invalid_example = std::move(refused_example);
        return *this;
    }
    OptionSpec& checked_on_host(
        std::function<std::string(const ProbeOptions&, const platform::HostSnapshot&)> host_check,
        std::string refused_example) {
        check_host = std::move(host_check);
        invalid_example = std::move(refused_example);
        return *this;
    }
    OptionSpec& from_env(std::string variable) {
        env = std::move(variable);
        return *this;
    }
    OptionSpec& also_read_by(std::vector<std::string> probes) {
        read_by = std::move(probes);
        return *this;
    }
    OptionSpec& in_group(std::string section) {
        group = std::move(section);
        return *this;
    }
};

}  // namespace netdiag
