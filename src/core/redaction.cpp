#include "core/redaction.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include <asio/ip/address.hpp>

#include "core/ip_literal.hpp"

namespace netdiag {
namespace {

bool is_address_char(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

bool is_mac(const std::string& token) {
    static const std::regex mac(R"(^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$)");
    return std::regex_match(token, mac);
}

// Addresses that identify nobody stay readable: loopback, unspecified, multicast groups
// (224.0.0.224 is the Zenoh default, not a host) and the limited broadcast.
bool keep_address(const asio::ip::address& address) {
    if (address.is_loopback() || address.is_unspecified() || address.is_multicast()) return true;
    return address.is_v4() && address.to_v4() == asio::ip::address_v4::broadcast();
}

}  // namespace

void Redactor::add_host_name(const std::string& name) {
    if (name.empty() || name == "localhost") return;
    placeholder(hosts_, "host", name);
    const auto dot = name.find('.');
    if (dot != std::string::npos && dot > 0) placeholder(hosts_, "host", name.substr(0, dot));
}

std::string Redactor::placeholder(std::map<std::string, std::string>& table,
                                  const std::string& kind, const std::string& value) {
    const auto it = table.find(value);
    if (it != table.end()) return it->second;
    auto name = kind + "-" + std::to_string(table.size() + 1);
    table.emplace(value, name);
    return name;
}

// A token is a maximal run of hex digits, ':' and '.'. It may be an address, an address with a
// port ("192.0.2.7:5930"), a MAC, or something else entirely (a version, a time).
std::string Redactor::redact_token(const std::string& token) {
    if (is_mac(token)) return placeholder(macs_, "mac", token);
    auto trimmed = token;
    std::string tail;
    while (!trimmed.empty() && (trimmed.back() == '.' || trimmed.back() == ':')) {
        tail.insert(tail.begin(), trimmed.back());
        trimmed.pop_back();
    }
    // Parsed strictly and the same way on every OS (see core/ip_literal.hpp).
    const auto address = parse_ip_literal(trimmed);
    if (!address && std::count(trimmed.begin(), trimmed.end(), ':') == 1) {
        // IPv4 with a port.
        const auto colon = trimmed.find(':');
        const auto host = parse_ip_literal(trimmed.substr(0, colon));
        if (host && host->is_v4()) {
            if (keep_address(*host)) return token;
            return placeholder(ips_, "ip", host->to_string()) + trimmed.substr(colon) + tail;
        }
        return token;
    }
    if (!address || keep_address(*address)) return token;
    return placeholder(ips_, "ip", address->to_string()) + tail;
}

std::string Redactor::redact_text(const std::string& text) {
    std::string out = text;
    // Host names first: longest first so "box.example.org" wins over "box".
    std::vector<std::pair<std::string, std::string>> names(hosts_.begin(), hosts_.end());
    std::sort(names.begin(), names.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    for (const auto& [name, kReplacement] : names) {
        for (size_t pos = out.find(name); pos != std::string::npos;
             pos = out.find(name, pos + kReplacement.size())) {
            out.replace(pos, name.size(), kReplacement);
        }
    }
    // Windows writes MACs with dashes (00-E0-4C-68-00-01), which the token scan below splits.
    static const std::regex dashed_mac(R"(\b[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}\b)");
    std::string undashed;
    auto last = out.cbegin();
    for (std::sregex_iterator it(out.begin(), out.end(), dashed_mac), end; it != end; ++it) {
        undashed.append(last, (*it)[0].first);
        undashed += placeholder(macs_, "mac", it->str());
        last = (*it)[0].second;
    }
    undashed.append(last, out.cend());
    out = std::move(undashed);

    std::string result;
    result.reserve(out.size());
    for (size_t i = 0; i < out.size();) {
        if (!is_address_char(out[i])) {
            result += out[i++];
            continue;
        }
        size_t end = i;
        while (end < out.size() && is_address_char(out[end])) ++end;
        // Part of a longer word (e.g. "host-1" or "eth0"): leave it.
        const bool inside_word =
            (i > 0 && std::isalnum(static_cast<unsigned char>(out[i - 1]))) ||
            (end < out.size() &&
             (std::isalpha(static_cast<unsigned char>(out[end])) || out[end] == '_'));
        const auto token = out.substr(i, end - i);
        result += inside_word ? token : redact_token(token);
        i = end;
    }
    return result;
}

void Redactor::redact_json(nlohmann::json& value) {
    if (value.is_string()) {
        value = redact_text(value.get<std::string>());
    } else if (value.is_array() || value.is_object()) {
        for (auto& item : value) redact_json(item);
    }
}

void Redactor::redact_report(Report& report) {
    redact_json(report.host);
    for (auto& probe : report.probes) {
        probe.reason = redact_text(probe.reason);
        redact_json(probe.measurements);
        for (auto& f : probe.findings) {
            f.title = redact_text(f.title);
            f.detail = redact_text(f.detail);
            redact_json(f.evidence);
            for (auto& step : f.remedy) step = redact_text(step);
        }
    }
    report.redacted = true;
}

void redact(Report& report) {
    Redactor redactor;
    const auto facts = report.host.find("facts");
    if (facts != report.host.end() && facts->contains("hostname") &&
        (*facts)["hostname"].is_string()) {
        redactor.add_host_name((*facts)["hostname"].get<std::string>());
    }
    redactor.redact_report(report);
}

}  // namespace netdiag
