// The Winsock calls under the portable multicast socket: Winsock reuse semantics (SO_REUSEADDR
// lets a newcomer share or take a port; SO_EXCLUSIVEADDRUSE forbids it; no SO_REUSEPORT), DWORD
// options, WSAPoll with a deadline and recvfrom (the arrival interface is not reported here).
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2
#include <windows.h>

#include "netdiag/multicast.hpp"
#include "platform/portable/multicast_socket_shim.hpp"

namespace netdiag::platform::multicast {
namespace {

int status(int rc) {
    return rc == 0 ? 0 : ::WSAGetLastError();
}

class WindowsMulticastSocket final : public MulticastSocketShim {
public:
    ~WindowsMulticastSocket() override { close(); }

    int open(Family family) override {
        close();
        // Not inheritable: a worker or tool started meanwhile would otherwise keep the port
        // bound for its whole life.
        socket_ = ::WSASocketW(family == Family::ipv4 ? AF_INET : AF_INET6, SOCK_DGRAM, IPPROTO_UDP,
                               nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        return socket_ == INVALID_SOCKET ? ::WSAGetLastError() : 0;
    }
    void close() override {
        if (socket_ != INVALID_SOCKET) ::closesocket(socket_);
        socket_ = INVALID_SOCKET;
    }
    bool is_open() const override { return socket_ != INVALID_SOCKET; }

    std::optional<OptionName> reuse_option(ReuseOption option) const override {
        switch (option) {
            case ReuseOption::reuse_address:
                return OptionName{SOL_SOCKET, SO_REUSEADDR};
            case ReuseOption::exclusive_address_use:
                return OptionName{SOL_SOCKET, SO_EXCLUSIVEADDRUSE};
            case ReuseOption::reuse_port:
                break;  // Winsock has no SO_REUSEPORT
        }
        return std::nullopt;
    }
    int set_int(OptionName option, int value) override {
        const auto dword = static_cast<DWORD>(value);
        return set_bytes(option, &dword, sizeof dword);
    }
    int set_bytes(OptionName option, const void* value, std::size_t size) override {
        return status(::setsockopt(socket_, option.level, option.name,
                                   static_cast<const char*>(value), static_cast<int>(size)));
    }

    int bind(const udp::SocketAddress& local) override {
        return status(::bind(socket_, local.get(), local.length));
    }
    int local_address(udp::SocketAddress& local) const override {
        return status(::getsockname(socket_, local.get(), &local.length));
    }
    int send_to(std::span<const std::uint8_t> bytes, const udp::SocketAddress& to) override {
        const int sent = ::sendto(socket_, reinterpret_cast<const char*>(bytes.data()),
                                  static_cast<int>(bytes.size()), 0, to.get(), to.length);
        return sent == SOCKET_ERROR ? ::WSAGetLastError() : 0;
    }
    WaitResult wait_readable(std::chrono::milliseconds timeout) override {
        WSAPOLLFD entry{socket_, POLLRDNORM, 0};
        const int ready = ::WSAPoll(&entry, 1, static_cast<INT>(timeout.count()));
        if (ready == SOCKET_ERROR) return {WaitResult::State::failed, ::WSAGetLastError()};
        if (ready == 0) return {WaitResult::State::timed_out, 0};
        return {WaitResult::State::readable, 0};
    }
    ReceiveCall receive(std::span<std::uint8_t> buffer) override {
        ReceiveCall call;
        call.from.length = sizeof call.from.storage;
        const int got =
            ::recvfrom(socket_, reinterpret_cast<char*>(buffer.data()),
                       static_cast<int>(buffer.size()), 0, call.from.get(), &call.from.length);
        if (got == SOCKET_ERROR) {
            call.error = ::WSAGetLastError();
            return call;
        }
        call.size = static_cast<std::size_t>(got);
        return call;
    }

    int not_open() const override { return WSAENOTSOCK; }
    int invalid_argument() const override { return WSAEINVAL; }
    int no_such_option() const override { return WSAENOPROTOOPT; }

private:
    SOCKET socket_ = INVALID_SOCKET;
};

}  // namespace

std::unique_ptr<MulticastSocketShim> make_multicast_socket_shim() {
    return std::make_unique<WindowsMulticastSocket>();
}

PlatformTraits traits() {
    return {.has_reuse_port = false,
            .has_exclusive_address_use = true,
            .zenoh_binds_group_address = false,
            .reports_arrival_interface = false};
}

}  // namespace netdiag::platform::multicast
