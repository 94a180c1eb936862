#include "option_validators.hpp"

#include "core/duration.hpp"

namespace netdiag::cli {

// The description is empty: the help shows the option's type name alone ("DURATION").
CLI::Validator duration_validator(std::chrono::milliseconds minimum) {
    return CLI::Validator([minimum](std::string& value) { return duration_error(value, minimum); },
                          "");
}

CLI::Validator host_port_validator(const HostPortUse& use) {
    return CLI::Validator(
        [use](std::string& value) {
            std::string error;
            return parse_host_port(value, use, error) ? std::string() : error;
        },
        "");
}

}  // namespace netdiag::cli
