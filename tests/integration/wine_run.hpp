// Runs programs of the Windows build (scripts/test-windows.sh makes it in build/windows) under
// Wine, for the tests that compare what netdiag.exe reports with what Wine really does.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "run_binary.hpp"

namespace netdiag::testing {

inline const char* const kWine = "/usr/lib/wine/wine64";

// The Windows build folder, or empty. NETDIAG_WINDOWS_BUILD_DIR overrides the default.
inline std::filesystem::path windows_build_dir() {
    std::filesystem::path dir = std::filesystem::path(NETDIAG_SOURCE_DIR) / "build/windows";
    if (const char* env = std::getenv("NETDIAG_WINDOWS_BUILD_DIR")) dir = env;
    if (!std::filesystem::exists(dir / "src/cli/netdiag.exe")) return {};
    return dir;
}

// Why the Wine tests cannot run here, or empty when they can.
inline std::string wine_unavailable() {
    if (windows_build_dir().empty())
        return "no Windows build of netdiag.exe (run scripts/test-windows.sh)";
    if (!std::filesystem::exists(kWine)) return "wine64 is not installed";
    return {};
}

// Runs a program of the Windows build ("src/cli/netdiag.exe") with args in the build folder's
// Wine prefix; stdout and stderr are captured.
inline BinaryRun run_under_wine(const std::string& program, const std::string& args) {
    const auto dir = windows_build_dir();
    return run_capturing("WINEPREFIX='" + (dir / "wineprefix").string() + "' WINEDEBUG=-all '" +
                         kWine + "' '" + (dir / program).string() + "' " + args);
}

// Runs one of Wine's own programs ("reg import Z:/tmp/x.reg") in the build folder's prefix.
inline BinaryRun run_wine_tool(const std::string& args) {
    return run_capturing("WINEPREFIX='" + (windows_build_dir() / "wineprefix").string() +
                         "' WINEDEBUG=-all '" + kWine + "' " + args);
}

}  // namespace netdiag::testing
