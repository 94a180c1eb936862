// The UDP socket of the send paths, written once for every OS: address conversions, option
// plumbing and where sends go. The native socket is the OS's UdpSocketShim.
#include "netdiag/platform.hpp"
#include "netdiag/udp_send.hpp"
#include "platform/portable/udp_socket_shim.hpp"

namespace netdiag::platform::udp {
namespace {

SysError socket_error(int error) {
    return error == 0 ? SysError{} : describe_native_error(error);
}

}  // namespace

struct UdpSocket::State {
    std::unique_ptr<UdpSocketShim> shim = make_udp_socket_shim();
    Family family = Family::ipv4;
    SendSettings settings;

    SysError invalid_argument() const { return describe_native_error(shim->invalid_argument()); }
};

UdpSocket::UdpSocket() : state_(std::make_unique<State>()) {}
UdpSocket::~UdpSocket() {
    close();
}
UdpSocket::UdpSocket(UdpSocket&& other) noexcept : state_(std::move(other.state_)) {
    other.state_ = std::make_unique<State>();
}
UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        close();
        std::swap(state_, other.state_);
    }
    return *this;
}

SysError UdpSocket::open(Family family) {
    close();
    state_->family = family;
    return socket_error(state_->shim->open(family));
}

bool UdpSocket::is_open() const {
    return state_ && state_->shim->is_open();
}

Family UdpSocket::family() const {
    return state_->family;
}

std::intptr_t UdpSocket::native_handle() const {
    return state_->shim->native_handle();
}

void UdpSocket::close() {
    if (state_ && state_->shim->is_open()) {
        state_->shim->close();
        state_->settings.segment_option = 0;
        state_->settings.has_destination = false;
    }
}

SysError UdpSocket::bind(const Endpoint& local) {
    const auto native = to_socket_address(local);
    if (!native) return state_->invalid_argument();
    return socket_error(state_->shim->bind(*native));
}

SysError UdpSocket::connect(const Endpoint& remote) {
    const auto native = to_socket_address(remote);
    if (!native) return state_->invalid_argument();
    if (const int error = state_->shim->connect(*native); error != 0) {
        return describe_native_error(error);
    }
    state_->settings.connected_to = *native;
    state_->settings.connected = true;
    return {};
}

std::optional<Endpoint> UdpSocket::local_endpoint() const {
    SocketAddress local;
    local.length = sizeof local.storage;
    if (state_->shim->local_address(local) != 0) return std::nullopt;
    return to_endpoint(local.get(), local.length);
}

std::optional<unsigned> UdpSocket::path_mtu() const {
    int mtu = 0;
    if (state_->shim->get_option(SocketOption::path_mtu, mtu) != 0 || mtu <= 0) {
        return std::nullopt;
    }
    return static_cast<unsigned>(mtu);
}

SysError UdpSocket::set_buffer_sizes(int send_bytes, int receive_bytes) {
    if (send_bytes > 0) {
        if (const int error = state_->shim->set_option(SocketOption::send_buffer, send_bytes)) {
            return describe_native_error(error);
        }
    }
    if (receive_bytes > 0) {
        if (const int error =
                state_->shim->set_option(SocketOption::receive_buffer, receive_bytes)) {
            return describe_native_error(error);
        }
    }
    return {};
}

SysError UdpSocket::query_segmentation() const {
    int value = 0;
    return socket_error(state_->shim->get_option(SocketOption::segment_size, value));
}

SysError UdpSocket::set_destination(const Endpoint& destination, const std::string& source) {
    SendSettings& settings = state_->settings;
    const auto native = to_socket_address(destination);
    if (!native || destination.family() != state_->family) return state_->invalid_argument();
    settings.destination = *native;
    settings.has_destination = true;
    settings.pinned = !source.empty();
    if (settings.pinned) {
        const auto pin = to_socket_address(Endpoint{source, 0});
        if (!pin || Endpoint{source, 0}.family() != state_->family) {
            return state_->invalid_argument();
        }
        state_->shim->set_pinned_source(*pin);
    }
    return {};
}

SendOutcome UdpSocket::send(SendPath path, std::span<const std::byte> payload,
                            std::size_t segment_size) {
    return send_datagrams(*state_->shim, state_->settings, path, payload, segment_size);
}

ReceiveOutcome UdpSocket::receive(std::span<std::byte> buffer, std::chrono::milliseconds timeout) {
    return state_->shim->receive(buffer, timeout);
}

}  // namespace netdiag::platform::udp
