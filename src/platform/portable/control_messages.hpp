// Writing control messages (PKTINFO, the segment size, …) into a buffer one after the other,
// written once over the OS's header type and its CMSG_LEN / CMSG_SPACE / CMSG_DATA.
#pragma once

#include <cstddef>
#include <cstring>

#include "platform/portable/socket_headers.hpp"

namespace netdiag::platform::udp {

// The OS's header type and macro names; everything else is the same on every OS.
#ifdef _WIN32
#define NETDIAG_CMSG(name, ...) WSA_CMSG_##name(__VA_ARGS__)
using ControlHeader = WSACMSGHDR;
#else
#define NETDIAG_CMSG(name, ...) CMSG_##name(__VA_ARGS__)
using ControlHeader = cmsghdr;
#endif

struct ControlTraits {
    using Header = ControlHeader;
    static std::size_t length(std::size_t size) { return NETDIAG_CMSG(LEN, size); }
    static std::size_t space(std::size_t size) { return NETDIAG_CMSG(SPACE, size); }
    static unsigned char* data(Header* header) { return NETDIAG_CMSG(DATA, header); }
};

#undef NETDIAG_CMSG

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
