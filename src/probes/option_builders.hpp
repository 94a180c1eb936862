// Builders for the rows of a probe's option table (netdiag/option_spec.hpp). A row names a field
// of the probe's own options type; the builder derives the default shown in the docs from that
// type's default value, the storing code from the field's type, and the checks from the kind of
// value, so a probe's table reads as one line per option.
#pragma once

#include <charconv>
#include <chrono>
#include <string>
#include <type_traits>
#include <vector>

#include "core/duration.hpp"
#include "core/host_port.hpp"
#include "netdiag/option_spec.hpp"

namespace netdiag::option_builders {

template <class T>
struct is_list : std::false_type {};
template <class T>
struct is_list<std::vector<T>> : std::true_type {};

template <class Field>
OptionSpec row_for(std::string name, std::string type_name, std::string help) {
    OptionSpec spec;
    spec.name = std::move(name);
    spec.type_name = std::move(type_name);
    spec.help = std::move(help);
    spec.repeatable = is_list<Field>::value;
    return spec;
}

// Text stored as given (a path, a name, an address checked by `checked`).
template <class Options, class Field>
OptionSpec text_option(std::string name, Field Options::*field, std::string type_name,
                       std::string help) {
    auto spec = row_for<Field>(std::move(name), std::move(type_name), std::move(help));
    if constexpr (!is_list<Field>::value) spec.default_text = Options{}.*field;
    spec.store = [field](ProbeOptions& all, const std::vector<std::string>& values) {
        if constexpr (is_list<Field>::value) {
            all.edit<Options>().*field = values;
        } else {
            all.edit<Options>().*field = values.back();
        }
    };
    return spec;
}

// A whole number in [minimum, maximum] (or a list of them).
template <class Options, class Field>
OptionSpec number_option(std::string name, Field Options::*field, long long minimum,
                         long long maximum, std::string type_name, std::string help) {
    auto spec = row_for<Field>(std::move(name), std::move(type_name), std::move(help));
    spec.range = {minimum, maximum};
    spec.invalid_example = std::to_string(maximum + 1);
    if constexpr (!is_list<Field>::value) spec.default_text = std::to_string(Options{}.*field);
    spec.store = [field](ProbeOptions& all, const std::vector<std::string>& values) {
        const auto number = [](const std::string& text) {
            long long value = 0;
            std::from_chars(text.data(), text.data() + text.size(), value);
            return value;
        };
        auto& target = all.edit<Options>().*field;
        if constexpr (is_list<Field>::value) {
            target.clear();
            for (const auto& text : values) {
                target.push_back(static_cast<typename Field::value_type>(number(text)));
            }
        } else {
            target = static_cast<Field>(number(values.back()));
        }
    };
    return spec;
}

// A whole number of milliseconds in [minimum, maximum], stored as a duration.
template <class Options>
OptionSpec milliseconds_option(std::string name, std::chrono::milliseconds Options::*field,
                               long long minimum, long long maximum, std::string help) {
    auto spec = row_for<std::chrono::milliseconds>(std::move(name), "MS", std::move(help));
    spec.range = {minimum, maximum};
    spec.invalid_example = std::to_string(maximum + 1);
    spec.default_text = std::to_string((Options{}.*field).count());
    spec.store = [field](ProbeOptions& all, const std::vector<std::string>& values) {
        long long value = 0;
        std::from_chars(values.back().data(), values.back().data() + values.back().size(), value);
        all.edit<Options>().*field = std::chrono::milliseconds(value);
    };
    return spec;
}

// A duration ("250ms", "5s", "2m"), checked by the one duration parser.
template <class Options>
OptionSpec duration_option(std::string name, std::chrono::milliseconds Options::*field,
                           std::string help) {
    auto spec = row_for<std::chrono::milliseconds>(std::move(name), "DURATION", std::move(help));
    spec.default_text = duration_text(Options{}.*field);
    spec.check = [](const std::string& value) { return duration_error(value); };
    spec.invalid_example = "1x";
    spec.store = [field](ProbeOptions& all, const std::vector<std::string>& values) {
        all.edit<Options>().*field = *parse_duration(values.back());
    };
    return spec;
}

// HOST:PORT (or HOST[:PORT] where the use has a default port), checked by the one parser.
template <class Options, class Field>
OptionSpec host_port_option(std::string name, Field Options::*field, const HostPortUse& use,
                            std::string help) {
    auto spec = text_option(std::move(name), field, use.default_port ? "HOST[:PORT]" : "HOST:PORT",
                            std::move(help));
    spec.check = [use](const std::string& value) {
        std::string error;
        return parse_host_port(value, use, error) ? std::string() : error;
    };
    spec.invalid_example = use.default_port ? "host:0" : "host-without-port";
    return spec;
}

}  // namespace netdiag::option_builders
