// A temporary folder of this test process's own, made the process's TMPDIR (TMP and TEMP on
// Windows) for its lifetime and removed with everything in it afterwards.
#pragma once

#include <filesystem>
#include <string>

namespace netdiag::testing {

class PrivateTmpdir {
public:
    PrivateTmpdir();
    ~PrivateTmpdir();
    PrivateTmpdir(const PrivateTmpdir&) = delete;
    PrivateTmpdir& operator=(const PrivateTmpdir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace netdiag::testing
