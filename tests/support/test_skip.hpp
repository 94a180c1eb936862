// How a test says that it could not run. A test whose real peer (a network namespace, QEMU,
// Wine, valgrind, a compiler …) is missing prints a skip marker that ctest turns into a
// *skipped* result, never a pass. Where the run requires that capability
// (NETDIAG_TEST_REQUIRE=all in CI, or a comma list such as "netns,qemu"), the same call fails
// the test instead: a CI machine that lacks a peer must not stay green.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

namespace netdiag::testing {

// The marker ctest's SKIP_REGULAR_EXPRESSION matches (tests/CMakeLists.txt).
inline constexpr std::string_view kSkipMarker = "NETDIAG-TEST-SKIPPED";

// True when NETDIAG_TEST_REQUIRE names the capability or says "all".
bool capability_required(std::string_view capability);

// Fails the test when the capability is required; otherwise prints the skip marker with the
// capability and the reason. The caller returns right after (NETDIAG_SKIP does).
void report_skip(std::string_view capability, const std::string& reason);

}  // namespace netdiag::testing

// Ends the current test case as skipped (or failed, where the capability is required).
#define NETDIAG_SKIP(capability, reason)                                    \
    do {                                                                    \
        ::netdiag::testing::report_skip((capability), std::string(reason)); \
        return;                                                             \
    } while (false)
