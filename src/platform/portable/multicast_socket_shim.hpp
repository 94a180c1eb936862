// What each OS supplies to the portable multicast socket: one native UDP socket and the few
// calls whose types differ (the names of the reuse options, option values in the OS's types,
// waiting with a deadline, receiving with the arrival interface), each answering with the OS's
// own error number. The option values (ip_mreq, ipv6_mreq, the interface address of
// IP_MULTICAST_IF, the index of IPV6_MULTICAST_IF) have the same form on every OS and are built
// once with the OS's own constants. Address parsing, the reuse policy, deadlines and the
// errors a caller sees are written once in multicast_socket.cpp and unit-tested on every OS
// against a fake shim.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "netdiag/multicast.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::multicast {

// The reuse options set before bind; only their names differ between OSes, and not every OS
// has each of them.
enum class ReuseOption {
    reuse_address,          // SO_REUSEADDR
    reuse_port,             // SO_REUSEPORT
    exclusive_address_use,  // SO_EXCLUSIVEADDRUSE
};

struct OptionName {
    int level = 0;
    int name = 0;
};

// How a wait for a readable socket ended; `error` is the OS's number when it failed.
struct WaitResult {
    enum class State { readable, timed_out, interrupted, failed } state = State::timed_out;
    int error = 0;
};

// What one receive call answered: the bytes taken, the sender, the arrival interface (0 when
// the OS does not say) or, when error is not 0, the OS's error number.
struct ReceiveCall {
    std::size_t size = 0;
    udp::SocketAddress from;
    unsigned arrival_interface = 0;
    int error = 0;
};

class MulticastSocketShim {
public:
    virtual ~MulticastSocketShim() = default;

    // Opens a UDP socket of the family, not inherited by child processes, asking for the
    // arrival interface where the OS reports it; 0 or the OS's error number.
    virtual int open(Family family) = 0;
    virtual void close() = 0;
    virtual bool is_open() const = 0;

    // The level and name of a reuse option, or nullopt where this OS has no such option.
    virtual std::optional<OptionName> reuse_option(ReuseOption option) const = 0;
    // Sets an integer option, passed in the OS's own type for it (int, DWORD).
    virtual int set_int(OptionName option, int value) = 0;
    // Sets an option whose value is a structure (ip_mreq, ipv6_mreq, in_addr) or an index.
    virtual int set_bytes(OptionName option, const void* value, std::size_t size) = 0;

    virtual int bind(const udp::SocketAddress& local) = 0;
    virtual int local_address(udp::SocketAddress& local) const = 0;
    // One datagram; 0 or the OS's error number.
    virtual int send_to(std::span<const std::uint8_t> bytes, const udp::SocketAddress& to) = 0;
    virtual WaitResult wait_readable(std::chrono::milliseconds timeout) = 0;
    virtual ReceiveCall receive(std::span<std::uint8_t> buffer) = 0;

    // The OS's numbers for a socket that is not open (EBADF, WSAENOTSOCK), an invalid argument
    // (EINVAL, WSAEINVAL) and an option it does not have (ENOPROTOOPT, WSAENOPROTOOPT).
    virtual int not_open() const = 0;
    virtual int invalid_argument() const = 0;
    virtual int no_such_option() const = 0;
};

// This OS's shim (src/platform/<os>/multicast_socket_<os>.cpp).
std::unique_ptr<MulticastSocketShim> make_multicast_socket_shim();

// describe(BindMode) for an OS with these traits: SO_REUSEPORT is named only where it exists.
std::string describe(const BindMode& mode, const PlatformTraits& os);

}  // namespace netdiag::platform::multicast
