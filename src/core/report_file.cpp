#include "core/report_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include <fmt/format.h>

namespace netdiag {
namespace fs = std::filesystem;

namespace {

std::string os_error(int code) {
    return fmt::format("{} (errno {})", std::strerror(code), code);
}

std::string temp_name(const fs::path& target) {
    std::random_device random;
    return fmt::format(".{}.tmp-{:08x}", target.filename().string(), random());
}

}  // namespace

std::optional<std::string> write_file_atomically(const fs::path& path, const std::string& content) {
    const auto folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    const auto temp = folder / temp_name(path);

    errno = 0;
    std::FILE* file = std::fopen(temp.string().c_str(), "wb");
    if (file == nullptr) {
        return fmt::format("cannot write report '{}': creating a file in '{}': {}", path.string(),
                           folder.string(), os_error(errno));
    }
    const size_t written = std::fwrite(content.data(), 1, content.size(), file);
    int error = written == content.size() ? 0 : errno;
    if (std::fflush(file) != 0 && error == 0) error = errno;
    if (std::fclose(file) != 0 && error == 0) error = errno;
    if (written != content.size() && error == 0) error = EIO;
    if (error != 0) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        return fmt::format("cannot write report '{}': {} of {} bytes written: {}", path.string(),
                           written, content.size(), os_error(error));
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        return fmt::format("cannot write report '{}': rename from '{}': {}", path.string(),
                           temp.filename().string(), ec.message());
    }
    return std::nullopt;
}

}  // namespace netdiag
