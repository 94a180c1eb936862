// A datagram sent with an ECN mark, written once: the call named in the report, the address
// check and the outcome; the OS sends it (send_ecn_datagram in udp_receive_<os>.cpp).
#include "platform/portable/udp_ecn_send.hpp"

#include <string>

#include "netdiag/platform.hpp"
#include "platform/portable/udp_receive_names.hpp"

namespace netdiag::platform::udp {

SendOutcome send_ecn_marked(UdpSocket& socket, const Endpoint& destination,
                            std::span<const std::byte> payload, std::uint8_t ecn) {
    SendOutcome outcome;
    outcome.failed_call = std::string(native_ecn_send_call.name) + "(" +
                          std::string(ecn_send_control(socket.family())) + "=" +
                          std::to_string(ecn) + ")";
    const auto address = to_socket_address(destination);
    if (!address) {
        outcome.status = SendStatus::rejected;
        outcome.error = describe_native_error(native_ecn_send_call.invalid_argument);
        return outcome;
    }
    outcome.syscalls = 1;
    const CallResult sent = send_ecn_datagram(socket, *address, payload, ecn);
    if (sent.count < 0) {
        outcome.status = SendStatus::rejected;
        outcome.error = describe_native_error(sent.error);
        return outcome;
    }
    outcome.failed_call.clear();
    outcome.status = SendStatus::accepted;
    outcome.datagrams = 1;
    outcome.bytes = static_cast<std::size_t>(sent.count);
    return outcome;
}

}  // namespace netdiag::platform::udp
