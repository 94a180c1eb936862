// Writes a finished document to a file atomically: a temporary file in the same folder, then a
// rename over the target. On any error the target is untouched and the temporary is removed,
// so a full disk never leaves a truncated report behind.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace netdiag {

// Returns an error message naming the operation, the path and the OS's answer, or nullopt.
std::optional<std::string> write_file_atomically(const std::filesystem::path& path,
                                                 const std::string& content);

}  // namespace netdiag
