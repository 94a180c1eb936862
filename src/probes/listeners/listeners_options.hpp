// What a user sets for probe `listeners` (its option table is in listeners_description.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace netdiag::probes::listeners {

struct ListenersOptions {
    std::vector<std::uint16_t> ports;       // empty = every listening/bound port
    std::chrono::milliseconds window{250};  // between the two readings of the queues
};

}  // namespace netdiag::probes::listeners
