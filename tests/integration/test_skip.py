"""How a script test says it could not run: the same rule as NETDIAG_SKIP in the C++ tests.

A missing tool prints the skip marker and exits 77, which ctest reports as skipped
(SKIP_RETURN_CODE). Where NETDIAG_TEST_REQUIRE is "all" or names the capability (CI), the same
call exits 1: a CI machine without the tool must not stay green.
"""
import os
import sys

SKIP_EXIT = 77


def required(capability):
    wanted = os.environ.get("NETDIAG_TEST_REQUIRE", "")
    names = [n.strip() for n in wanted.split(",") if n.strip()]
    return "all" in names or capability in names


def skip(capability, reason):
    """Ends the script as skipped, or failed where the capability is required."""
    if required(capability):
        print("FAILED: required capability '%s' is missing: %s (NETDIAG_TEST_REQUIRE)"
              % (capability, reason))
        sys.exit(1)
    print("NETDIAG-TEST-SKIPPED [%s]: %s" % (capability, reason))
    sys.exit(SKIP_EXIT)
