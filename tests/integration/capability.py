"""How a script test says that it could not run, the Python side of tests/support/test_skip.hpp.

A missing tool or peer exits 77 (ctest's SKIP_RETURN_CODE) with the reason, unless the
environment variable NETDIAG_TEST_REQUIRE says "all" or names the capability (a comma list):
then the same call fails the test, so a CI machine that lacks a peer does not stay green.
"""
import os
import shutil
import sys

SKIPPED = 77


def required(capability):
    wanted = os.environ.get("NETDIAG_TEST_REQUIRE", "")
    items = [item.strip() for item in wanted.split(",") if item.strip()]
    return "all" in items or capability in items


def skip(capability, reason):
    """Ends the test: skipped, or failed when the capability is required."""
    if required(capability):
        print(f"FAILED: required capability '{capability}' is missing: {reason} "
              "(NETDIAG_TEST_REQUIRE)", flush=True)
        sys.exit(1)
    print(f"NETDIAG-TEST-SKIPPED [{capability}]: {reason}", flush=True)
    sys.exit(SKIPPED)


def need_program(capability, program, package):
    """The path of the program, or the end of the test when it is missing."""
    # Daemons live in sbin, which a user's PATH may lack.
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    path = shutil.which(program, path=search)
    if path is None:
        skip(capability, f"{program} is not installed (apt-get install {package})")
    return path
