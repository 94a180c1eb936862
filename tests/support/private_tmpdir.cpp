#include "private_tmpdir.hpp"

#include <cstdlib>
#include <system_error>

#ifdef _WIN32
#include <process.h>
#define NETDIAG_GETPID _getpid
#else
#include <unistd.h>
#define NETDIAG_GETPID ::getpid
#endif

namespace netdiag::testing {
namespace {

void set_variable(const char* name, const std::string& value) {
#ifdef _WIN32
    _putenv_s(name, value.c_str());
#else
    ::setenv(name, value.c_str(), 1);
#endif
}

}  // namespace

PrivateTmpdir::PrivateTmpdir() {
    std::error_code error;
    const auto parent = std::filesystem::temp_directory_path(error);
    if (error) return;  // no usable temporary folder: leave the environment as it is
    const auto candidate = parent / ("netdiag-test-" + std::to_string(NETDIAG_GETPID()));
    std::filesystem::remove_all(candidate, error);  // a folder left by a dead process of that pid
    if (!std::filesystem::create_directories(candidate, error)) return;
    // Like /tmp: a test may run netdiag as another user (setpriv), which must write here too.
    std::filesystem::permissions(
        candidate, std::filesystem::perms::all | std::filesystem::perms::sticky_bit, error);
    path_ = candidate;
    for (const char* name : {"TMPDIR", "TMP", "TEMP"}) set_variable(name, path_.string());
}

PrivateTmpdir::~PrivateTmpdir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace netdiag::testing
