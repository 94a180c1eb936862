// Whether two native socket addresses are the same bytes (Linux and Windows each have their
// own SocketAddress with `length` and `get()`).
#pragma once

#include <cstddef>
#include <cstring>

namespace netdiag::platform {

template <typename Address>
bool same_socket_address(const Address& a, const Address& b) {
    return a.length == b.length &&
           std::memcmp(a.get(), b.get(), static_cast<std::size_t>(a.length)) == 0;
}

}  // namespace netdiag::platform
