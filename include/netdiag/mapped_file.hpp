// A file's bytes mapped read-only into memory, for inputs the size of a large WebAssembly module.
// Mapping avoids copying the file and, more than that, allocating fresh memory for the copy: on a
// 50 MB module, read() into a new buffer took 190-270 ms on a 2-core VM where the mapping took
// 16-21 ms (docs/performance.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace netdiag::platform {

class MappedFile {
public:
    MappedFile() = default;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    // Maps a regular file. On failure the result is empty and `error` says why ("cannot open the
    // file for reading: …", "not a regular file"). An empty file maps to no bytes, no error.
    static MappedFile open(const std::string& path, std::string& error);

    std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
    std::size_t size() const { return size_; }

private:
    void release() noexcept;

    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    void* mapping_ = nullptr;  // Windows: the file-mapping handle; POSIX: unused
};

}  // namespace netdiag::platform
