// What a user sets for probe `spice` (its option table is in spice_description.cpp).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace netdiag::probes::spice {

struct SpiceOptions {
    std::vector<std::string> targets;  // HOST:PORT
    std::string password;
    std::chrono::milliseconds watch{2000};
};

}  // namespace netdiag::probes::spice
