// The multicast socket written once for every OS: address parsing, the reuse options before
// bind, memberships and the outgoing interface, sends, and receives bounded by a deadline. The
// native socket is the OS's MulticastSocketShim.
#include <algorithm>
#include <string>
#include <utility>

#include "netdiag/multicast.hpp"
#include "netdiag/platform.hpp"
#include "platform/portable/multicast_socket_shim.hpp"
#include "platform/portable/socket_headers.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::multicast {
namespace {

SysError socket_error(int error) {
    return error == 0 ? SysError{} : describe_native_error(error);
}

// An address of the socket's family and port; an empty address is the family's wildcard.
std::optional<udp::SocketAddress> socket_address(const std::string& address, std::uint16_t port,
                                                 Family family) {
    std::string text = address;
    if (text.empty()) text = family == Family::ipv4 ? "0.0.0.0" : "::";
    if (family_of(text) != family) return std::nullopt;
    return udp::to_socket_address(udp::Endpoint{text, port});
}

// The reuse options of a bind in the order they are set; options the OS lacks are refused
// only after every option it has was set.
constexpr std::pair<bool BindMode::*, ReuseOption> bind_options[] = {
    {&BindMode::reuse_address, ReuseOption::reuse_address},
    {&BindMode::reuse_port, ReuseOption::reuse_port},
    {&BindMode::exclusive, ReuseOption::exclusive_address_use},
};

// The interface address of an IPv4 membership or IP_MULTICAST_IF: "" lets the kernel choose.
std::optional<in_addr> interface_address(const InterfaceSelector& where) {
    in_addr address{};
    address.s_addr = htonl(INADDR_ANY);
    if (!where.ipv4_address.empty() &&
        inet_pton(AF_INET, where.ipv4_address.c_str(), &address) != 1) {
        return std::nullopt;
    }
    return address;
}

// The option of each family, in this OS's constants.
OptionName per_family(Family family, OptionName v4, OptionName v6) {
    return family == Family::ipv4 ? v4 : v6;
}

}  // namespace

std::optional<Family> family_of(const std::string& address) {
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1) return Family::ipv4;
    if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) return Family::ipv6;
    return std::nullopt;
}

bool is_multicast_address(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 28) == 0xe;
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return v6.s6_addr[0] == 0xff;
    return false;
}

std::string describe(const BindMode& mode, const PlatformTraits& os) {
    const bool reuse_port = mode.reuse_port && os.has_reuse_port;
    if (mode.exclusive) return "SO_EXCLUSIVEADDRUSE";
    if (mode.reuse_address && reuse_port) return "SO_REUSEADDR+SO_REUSEPORT";
    if (mode.reuse_address) return "SO_REUSEADDR";
    if (reuse_port) return "SO_REUSEPORT";
    return "no reuse";
}

std::string describe(const BindMode& mode) {
    return describe(mode, traits());
}

struct MulticastSocket::State {
    std::unique_ptr<MulticastSocketShim> shim;
    Family family = Family::ipv4;

    SysError not_open() const { return describe_native_error(shim->not_open()); }
    SysError invalid_argument() const { return describe_native_error(shim->invalid_argument()); }
};

MulticastSocket::MulticastSocket() : MulticastSocket(make_multicast_socket_shim()) {}
MulticastSocket::MulticastSocket(std::unique_ptr<MulticastSocketShim> shim)
    : state_(std::make_unique<State>()) {
    state_->shim = std::move(shim);
}
MulticastSocket::~MulticastSocket() {
    close();
}
MulticastSocket::MulticastSocket(MulticastSocket&& other) noexcept
    : state_(std::move(other.state_)) {
    other.state_ = std::make_unique<State>();
    other.state_->shim = make_multicast_socket_shim();
}
MulticastSocket& MulticastSocket::operator=(MulticastSocket&& other) noexcept {
    if (this != &other) {
        close();
        std::swap(state_, other.state_);
    }
    return *this;
}

SysError MulticastSocket::open(Family family) {
    close();
    state_->family = family;
    return socket_error(state_->shim->open(family));
}

bool MulticastSocket::is_open() const {
    return state_->shim->is_open();
}

void MulticastSocket::close() {
    if (state_ && state_->shim->is_open()) state_->shim->close();
}

SysError MulticastSocket::bind(const std::string& address, std::uint16_t port,
                               const BindMode& mode) {
    if (!is_open()) return state_->not_open();
    MulticastSocketShim& shim = *state_->shim;
    for (const auto& [requested, option] : bind_options) {
        const auto name = shim.reuse_option(option);
        if (mode.*requested && name) {
            if (auto error = socket_error(shim.set_int(*name, 1))) return error;
        }
    }
    for (const auto& [requested, option] : bind_options) {
        if (mode.*requested && !shim.reuse_option(option)) {
            return describe_native_error(shim.no_such_option());
        }
    }
    const auto local = socket_address(address, port, state_->family);
    if (!local) return state_->invalid_argument();
    return socket_error(shim.bind(*local));
}

std::optional<std::uint16_t> MulticastSocket::local_port() const {
    if (!is_open()) return std::nullopt;
    udp::SocketAddress local;
    local.length = sizeof local.storage;
    if (state_->shim->local_address(local) != 0) return std::nullopt;
    const auto endpoint = udp::to_endpoint(local.get(), local.length);
    if (!endpoint) return std::nullopt;
    return endpoint->port;
}

SysError MulticastSocket::join(const std::string& group, const InterfaceSelector& where) {
    if (!is_open()) return state_->not_open();
    if (state_->family == Family::ipv4) {
        ip_mreq request{};
        const auto local = interface_address(where);
        if (inet_pton(AF_INET, group.c_str(), &request.imr_multiaddr) != 1 || !local) {
            return state_->invalid_argument();
        }
        request.imr_interface = *local;
        return socket_error(
            state_->shim->set_bytes({IPPROTO_IP, IP_ADD_MEMBERSHIP}, &request, sizeof request));
    }
    ipv6_mreq request{};
    if (inet_pton(AF_INET6, group.c_str(), &request.ipv6mr_multiaddr) != 1) {
        return state_->invalid_argument();
    }
    request.ipv6mr_interface = where.index;
    return socket_error(
        state_->shim->set_bytes({IPPROTO_IPV6, IPV6_JOIN_GROUP}, &request, sizeof request));
}

SysError MulticastSocket::set_outgoing_interface(const InterfaceSelector& where) {
    if (!is_open()) return state_->not_open();
    if (state_->family == Family::ipv6) {
        const unsigned index = where.index;
        return socket_error(
            state_->shim->set_bytes({IPPROTO_IPV6, IPV6_MULTICAST_IF}, &index, sizeof index));
    }
    const auto local = interface_address(where);
    if (!local) return state_->invalid_argument();
    return socket_error(
        state_->shim->set_bytes({IPPROTO_IP, IP_MULTICAST_IF}, &*local, sizeof *local));
}

SysError MulticastSocket::set_hops(int hops) {
    if (!is_open()) return state_->not_open();
    const auto option = per_family(state_->family, {IPPROTO_IP, IP_MULTICAST_TTL},
                                   {IPPROTO_IPV6, IPV6_MULTICAST_HOPS});
    return socket_error(state_->shim->set_int(option, hops));
}

SysError MulticastSocket::set_loopback(bool on) {
    if (!is_open()) return state_->not_open();
    // Windows applies the loop option on the receiving socket, other OSes on the sending one;
    // the probe sends and receives on the same socket, so one setting covers both readings.
    const auto option = per_family(state_->family, {IPPROTO_IP, IP_MULTICAST_LOOP},
                                   {IPPROTO_IPV6, IPV6_MULTICAST_LOOP});
    return socket_error(state_->shim->set_int(option, on ? 1 : 0));
}

SysError MulticastSocket::send_to(const std::string& address, std::uint16_t port,
                                  std::span<const std::uint8_t> bytes) {
    if (!is_open()) return state_->not_open();
    const auto destination = socket_address(address, port, state_->family);
    if (!destination) return state_->invalid_argument();
    return socket_error(state_->shim->send_to(bytes, *destination));
}

ReceiveResult MulticastSocket::receive(std::chrono::steady_clock::time_point deadline) {
    ReceiveResult result;
    if (!is_open()) {
        result.error = state_->not_open();
        return result;
    }
    MulticastSocketShim& shim = *state_->shim;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto wait = shim.wait_readable(std::max(left, std::chrono::milliseconds{0}));
        if (wait.state == WaitResult::State::interrupted) continue;
        if (wait.state == WaitResult::State::failed) {
            result.error = describe_native_error(wait.error);
            return result;
        }
        if (wait.state == WaitResult::State::timed_out) {
            result.timed_out = true;
            return result;
        }
        break;
    }
    Datagram datagram;
    datagram.bytes.resize(65536);
    const auto call = shim.receive(datagram.bytes);
    if (call.error != 0) {
        result.error = describe_native_error(call.error);
        return result;
    }
    datagram.bytes.resize(call.size);
    if (const auto source = udp::to_endpoint(call.from.get(), call.from.length)) {
        datagram.source_address = source->address;
        datagram.source_port = source->port;
    }
    datagram.arrival_interface = call.arrival_interface;
    result.datagram = std::move(datagram);
    return result;
}

}  // namespace netdiag::platform::multicast
