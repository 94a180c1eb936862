#include "test_skip.hpp"

#include <cstdlib>
#include <iostream>

namespace netdiag::testing {

bool capability_required(std::string_view capability) {
    const char* required = std::getenv("NETDIAG_TEST_REQUIRE");
    if (required == nullptr) return false;
    std::string_view list(required);
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto item = list.substr(0, comma);
        if (item == "all" || item == capability) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

void report_skip(std::string_view capability, const std::string& reason) {
    if (capability_required(capability)) {
        FAIL("required capability '" << capability << "' is missing: " << reason
                                     << " (NETDIAG_TEST_REQUIRE)");
    }
    // Straight to stdout and flushed: ctest reads the marker from the test's output.
    std::cout << kSkipMarker << " [" << capability << "]: " << reason << std::endl;
}

}  // namespace netdiag::testing
