// The names the receive-side checks report, in this OS's spelling (udp_receive_names.hpp).
#include "platform/portable/udp_receive_names.hpp"

namespace netdiag::platform::udp {

std::string_view ecn_receive_option(Family family) {
    const auto& name = family == Family::ipv4 ? kReceiveNames.ecn_receive_option_v4
                                              : kReceiveNames.ecn_receive_option_v6;
    return name.on(native_receive_stack);
}

std::string_view ecn_send_control(Family family) {
    const auto& name = family == Family::ipv4 ? kReceiveNames.ecn_send_control_v4
                                              : kReceiveNames.ecn_send_control_v6;
    return name.on(native_receive_stack);
}

std::string_view coalescing_option() {
    return kReceiveNames.coalescing_option.on(native_receive_stack);
}

std::string_view coalescing_control() {
    return kReceiveNames.coalescing_control.on(native_receive_stack);
}

}  // namespace netdiag::platform::udp
