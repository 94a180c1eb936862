// Address ownership and resolver messages on Windows.
#include "netdiag/platform.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::udp {

// getaddrinfo answers with a Winsock error number, which has a name and a text like any other.
std::string resolver_error_text(int code) {
    return describe_native_error(code).describe();
}

// Asks the adapter list rather than trying bind(): Wine lets a UDP socket bind an address that
// no interface has, so a bind test would call every address ours there.
bool host_owns_address(const std::string& address) {
    const Endpoint endpoint{address, 0};
    const auto wanted = to_socket_address(endpoint);
    if (!wanted) return false;
    const auto canonical = to_endpoint(wanted->get(), wanted->length);
    if (!canonical) return false;
    for (const auto& iface : read_host_snapshot().interfaces) {
        for (const auto& owned : iface.addresses) {
            const auto native = to_socket_address(Endpoint{owned.address, 0});
            if (!native) continue;
            const auto mine = to_endpoint(native->get(), native->length);
            if (mine && mine->address == canonical->address) return true;
        }
    }
    return false;
}

}  // namespace netdiag::platform::udp
