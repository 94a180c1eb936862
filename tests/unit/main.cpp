// The one Catch2 main shared by the unit and integration test binaries.
//
// ctest runs every test case as its own process, several at once: each process gets a private
// temporary folder (TMPDIR, which std::filesystem::temp_directory_path and the netdiag it
// starts both follow), so fixed file names in tests cannot collide between parallel cases.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "private_tmpdir.hpp"

int main(int argc, char* argv[]) {
    const netdiag::testing::PrivateTmpdir tmpdir;
    return Catch::Session().run(argc, argv);
}
