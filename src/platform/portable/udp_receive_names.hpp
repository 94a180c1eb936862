// The names of the receive-side options and control messages, for reports: each written once
// with the Linux and the Winsock spelling side by side; each OS says which spelling is its own
// (native_receive_stack in src/platform/<os>/udp_receive_<os>.cpp).
#pragma once

#include <string_view>

#include "netdiag/udp_receive.hpp"

namespace netdiag::platform::udp {

enum class ReceiveStack { linux_kernel, winsock };

extern const ReceiveStack native_receive_stack;

// One name as each stack spells it.
struct Spelling {
    std::string_view linux_kernel;
    std::string_view winsock;

    constexpr std::string_view on(ReceiveStack stack) const {
        return stack == ReceiveStack::linux_kernel ? linux_kernel : winsock;
    }
};

struct ReceiveNames {
    Spelling ecn_receive_option_v4{"IP_RECVTOS", "IP_RECVECN"};
    Spelling ecn_receive_option_v6{"IPV6_RECVTCLASS", "IPV6_RECVECN"};
    Spelling ecn_send_control_v4{"IP_TOS cmsg", "IP_ECN cmsg"};
    Spelling ecn_send_control_v6{"IPV6_TCLASS cmsg", "IPV6_ECN cmsg"};
    Spelling coalescing_option{"UDP_GRO", "UDP_RECV_MAX_COALESCED_SIZE"};
    Spelling coalescing_control{"UDP_GRO cmsg", "UDP_COALESCED_INFO cmsg"};
};

inline constexpr ReceiveNames kReceiveNames{};

}  // namespace netdiag::platform::udp
