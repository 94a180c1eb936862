// The names the receive-side checks report, written once; each OS fills in its own words
// (native_receive_names in src/platform/<os>/udp_receive_<os>.cpp).
#include "platform/portable/udp_receive_names.hpp"

namespace netdiag::platform::udp {

std::string_view ecn_receive_option(Family family) {
    return family == Family::ipv4 ? native_receive_names.ecn_receive_option_v4
                                  : native_receive_names.ecn_receive_option_v6;
}

std::string_view ecn_send_control(Family family) {
    return family == Family::ipv4 ? native_receive_names.ecn_send_control_v4
                                  : native_receive_names.ecn_send_control_v6;
}

std::string_view coalescing_option() {
    return native_receive_names.coalescing_option;
}

std::string_view coalescing_control() {
    return native_receive_names.coalescing_control;
}

}  // namespace netdiag::platform::udp
