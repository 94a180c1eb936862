// One way to describe an OS error everywhere: the portable std::error_code plus the native
// number and its symbolic name, e.g. "EADDRNOTAVAIL (99) Cannot assign requested address" or
// "WSAEINVAL (10022) An invalid argument was supplied."
#pragma once

#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

namespace netdiag {

struct SysError {
    std::error_code portable;  // generic_category where a mapping exists, else system_category
    int native = 0;            // errno on POSIX; WSA*/Win32 code on Windows
    std::string native_name;   // "EADDRNOTAVAIL", "WSAEINVAL", "ERROR_INVALID_PARAMETER"
    std::string message;       // the OS's own text for the code

    explicit operator bool() const { return native != 0; }
    // "NAME (N) message", the form every message and finding detail uses.
    std::string describe() const;
    // {"errno": N, "errno_name": "...", "message": "..."} for finding evidence.
    nlohmann::json to_evidence() const;
};

}  // namespace netdiag
