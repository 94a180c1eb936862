// MappedFile through mmap. MAP_POPULATE fills the page tables in one pass instead of a fault per
// page as the parser walks the file. The file is mapped private and read-only: netdiag never
// writes it. A file truncated by another process while it is mapped would fault on the lost
// pages (SIGBUS); inputs are modules the user points at, not files being rewritten.
#include "netdiag/mapped_file.hpp"

#include "platform/posix/unique_fd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace netdiag::platform {
namespace {

#ifndef MAP_POPULATE
constexpr int MAP_POPULATE = 0;  // not Linux: pages fault in as they are read
#endif

}  // namespace

void MappedFile::release() noexcept {
    if (data_ != nullptr && size_ > 0) {
        ::munmap(const_cast<std::uint8_t*>(data_), size_);
    }
    data_ = nullptr;
    size_ = 0;
}

MappedFile MappedFile::open(const std::string& path, std::string& error) {
    MappedFile out;
    const posix::UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) {
        error = std::string("cannot open the file for reading: ") + std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(file.get(), &st) != 0) {
        error = std::string("cannot read the file's size: ") + std::strerror(errno);
        return out;
    }
    if (!S_ISREG(st.st_mode)) {
        error = "not a regular file";
        return out;
    }
    if (st.st_size == 0) return out;
    const auto size = static_cast<std::size_t>(st.st_size);
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.get(), 0);
    if (base == MAP_FAILED) {
        error = std::string("cannot map the file: ") + std::strerror(errno);
        return out;
    }
    out.data_ = static_cast<const std::uint8_t*>(base);
    out.size_ = size;
    return out;
}

}  // namespace netdiag::platform
