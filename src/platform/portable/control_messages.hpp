// Writing control messages (PKTINFO, the segment size, …) into a buffer one after the other,
// written once over the OS's header type and its CMSG_LEN / CMSG_SPACE / CMSG_DATA.
#pragma once

#include <cstddef>
#include <cstring>

#include "platform/portable/socket_headers.hpp"

namespace netdiag::platform::udp {

#ifdef _WIN32
struct ControlTraits {
    using Header = WSACMSGHDR;
    static std::size_t length(std::size_t size) { return WSA_CMSG_LEN(size); }
    static std::size_t space(std::size_t size) { return WSA_CMSG_SPACE(size); }
    static unsigned char* data(Header* header) { return WSA_CMSG_DATA(header); }
};
#else
struct ControlTraits {
    using Header = cmsghdr;
    static std::size_t length(std::size_t size) { return CMSG_LEN(size); }
    static std::size_t space(std::size_t size) { return CMSG_SPACE(size); }
    static unsigned char* data(Header* header) { return CMSG_DATA(header); }
};
#endif

template <std::size_t capacity>
class ControlMessages {
public:
    void clear() {
        std::memset(bytes_, 0, sizeof bytes_);
        used_ = 0;
    }
    // Appends one message of `size` bytes of data at level/type.
    void append(int level, int type, const void* data, std::size_t size) {
        auto* header = reinterpret_cast<ControlTraits::Header*>(bytes_ + used_);
        header->cmsg_level = level;
        header->cmsg_type = type;
        header->cmsg_len = ControlTraits::length(size);
        std::memcpy(ControlTraits::data(header), data, size);
        used_ += ControlTraits::space(size);
    }
    std::size_t used() const { return used_; }
    // The buffer to hand the send call, or null when nothing was written.
    char* buffer() { return used_ > 0 ? bytes_ : nullptr; }

private:
    alignas(ControlTraits::Header) char bytes_[capacity] = {};
    std::size_t used_ = 0;
};

}  // namespace netdiag::platform::udp
