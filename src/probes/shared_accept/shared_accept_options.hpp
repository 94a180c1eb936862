// What a user sets for probe `shared-accept` (its option table is in
// shared_accept_description.cpp).
#pragma once

#include <string>
#include <vector>

namespace netdiag::probes::shared_accept {

struct SharedAcceptOptions {
    unsigned workers = 4;
    unsigned connections = 200;
    unsigned concurrency = 8;           // client connections in flight at once
    std::vector<std::string> patterns;  // empty = every pattern this OS runs
    std::string worker_binary;          // empty = netdiag itself (tests name the built binary)
};

}  // namespace netdiag::probes::shared_accept
