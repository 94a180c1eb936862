// This OS's names of the receive-side options and control messages, for reports.
#pragma once

#include <string_view>

#include "netdiag/udp_receive.hpp"

namespace netdiag::platform::udp {

struct ReceiveNames {
    std::string_view ecn_receive_option_v4;
    std::string_view ecn_receive_option_v6;
    std::string_view ecn_send_control_v4;
    std::string_view ecn_send_control_v6;
    std::string_view coalescing_option;
    std::string_view coalescing_control;
};

extern const ReceiveNames native_receive_names;

}  // namespace netdiag::platform::udp
