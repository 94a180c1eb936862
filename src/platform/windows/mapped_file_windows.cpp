// MappedFile through a read-only file mapping (CreateFileMappingW + MapViewOfFile). The file
// handle can be closed once the mapping exists; the mapping handle lives as long as the view.
#include <windows.h>

#include "netdiag/mapped_file.hpp"
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform {

void MappedFile::release() noexcept {
    if (data_ != nullptr) ::UnmapViewOfFile(data_);
    if (mapping_ != nullptr) ::CloseHandle(static_cast<HANDLE>(mapping_));
    data_ = nullptr;
    size_ = 0;
    mapping_ = nullptr;
}

MappedFile MappedFile::open(const std::string& path, std::string& error) {
    MappedFile out;
    HANDLE file = ::CreateFileW(windows::to_wide(path).c_str(), GENERIC_READ,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (file == INVALID_HANDLE_VALUE) {
        error = "cannot open the file for reading: " +
                windows::describe_call_failure("CreateFileW", ::GetLastError());
        return out;
    }
    LARGE_INTEGER size{};
    const bool sized = ::GetFileSizeEx(file, &size) != 0;
    if (!sized || ::GetFileType(file) != FILE_TYPE_DISK) {
        error = sized ? "not a regular file"
                      : "cannot read the file's size: " +
                            windows::describe_call_failure("GetFileSizeEx", ::GetLastError());
        ::CloseHandle(file);
        return out;
    }
    if (size.QuadPart == 0) {  // a mapping of zero bytes is refused; an empty file is no bytes
        ::CloseHandle(file);
        return out;
    }
    HANDLE mapping = ::CreateFileMappingW(file, nullptr, PAGE_READONLY, 0, 0, nullptr);
    const DWORD mapping_error = ::GetLastError();
    ::CloseHandle(file);
    if (mapping == nullptr) {
        error = "cannot map the file: " +
                windows::describe_call_failure("CreateFileMappingW", mapping_error);
        return out;
    }
    const void* view = ::MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, 0);
    if (view == nullptr) {
        error = "cannot map the file: " +
                windows::describe_call_failure("MapViewOfFile", ::GetLastError());
        ::CloseHandle(mapping);
        return out;
    }
    out.data_ = static_cast<const std::uint8_t*>(view);
    out.size_ = static_cast<std::size_t>(size.QuadPart);
    out.mapping_ = mapping;
    return out;
}

}  // namespace netdiag::platform
