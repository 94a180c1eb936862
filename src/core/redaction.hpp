// --redact: replaces the hostname, MAC addresses and non-loopback IP addresses everywhere in a
// report with stable placeholders (host-1, mac-1, ip-1, …): the same value gets the same
// placeholder within one report, so the report still reads consistently.
#pragma once

#include <map>
#include <string>

#include "netdiag/model.hpp"

namespace netdiag {

class Redactor {
public:
    // Host names to replace wherever they appear (the short name and the full one).
    void add_host_name(const std::string& name);
    std::string redact_text(const std::string& text);
    void redact_json(nlohmann::json& value);
    void redact_report(Report& report);

private:
    std::string placeholder(std::map<std::string, std::string>& table, const std::string& kind,
                            const std::string& value);
    std::string redact_token(const std::string& token);

    std::map<std::string, std::string> hosts_, ips_, macs_;
};

// Redacts the report in place and marks it redacted.
void redact(Report& report);

}  // namespace netdiag
