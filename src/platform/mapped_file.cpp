// The ownership half of MappedFile, the same on every platform; opening and releasing the mapping
// are in posix/mapped_file_posix.cpp and windows/mapped_file_windows.cpp.
#include "netdiag/mapped_file.hpp"

#include <utility>

namespace netdiag::platform {

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapping_(std::exchange(other.mapping_, nullptr)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        mapping_ = std::exchange(other.mapping_, nullptr);
    }
    return *this;
}

MappedFile::~MappedFile() {
    release();
}

}  // namespace netdiag::platform
