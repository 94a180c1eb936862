// Runs `netdiag probe multicast` (optionally inside a namespace) and reads its JSON report.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"

namespace netdiag::testing {

struct MulticastRun {
    BinaryRun binary;
    nlohmann::json probe;  // the multicast probe's result object
    bool parsed = false;

    const nlohmann::json* finding(const std::string& id) const {
        if (!parsed) return nullptr;
        for (const auto& f : probe["findings"]) {
            if (f.value("id", "") == id) return &f;
        }
        return nullptr;
    }
    const nlohmann::json* interface_row(const std::string& name) const {
        if (!parsed) return nullptr;
        for (const auto& row : probe["measurements"]["interfaces"]) {
            if (row.value("name", "") == name) return &row;
        }
        return nullptr;
    }
};

inline MulticastRun run_multicast_probe(const std::string& args, const std::string& prefix = "") {
    MulticastRun run;
    run.binary = run_netdiag("probe multicast --format json " + args, prefix);
    try {
        const auto report = nlohmann::json::parse(run.binary.out);
        for (const auto& p : report["probes"]) {
            if (p.value("id", "") == "multicast") {
                run.probe = p;
                run.parsed = true;
            }
        }
    } catch (const std::exception&) {
    }
    return run;
}

// A UDP port nobody on this host holds now, away from the default 7446 so tests do not meet a
// real Zenoh node.
inline std::uint16_t free_udp_port() {
    std::mt19937 random(static_cast<unsigned>(getpid()) ^ std::random_device{}());
    for (int attempt = 0; attempt < 50; ++attempt) {
        const auto port = static_cast<std::uint16_t>(20000 + random() % 20000);
        const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (free) return port;
    }
    return 0;
}

}  // namespace netdiag::testing
