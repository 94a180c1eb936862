// Native error naming through the portable platform API. On Windows the Winsock and Win32
// codes netdiag's probes meet must carry their SDK names and the system's text; elsewhere the
// same calls name errno values. The numbers are the documented ones (docs: PROTOCOLS facts).
#include <cerrno>
#include <string>
#include <system_error>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <catch2/catch.hpp>

#include "netdiag/platform.hpp"

namespace {

using netdiag::platform::current_platform;
using netdiag::platform::describe_native_error;

bool on_windows() {
    return current_platform() == "windows";
}

struct NamedCode {
    int code;
    const char* name;
    std::errc portable;
};

}  // namespace

// Each platform registers only the naming cases that apply to it.
#ifdef _WIN32
TEST_CASE("Winsock and Win32 codes are named with their SDK constants", "[platform][windows]") {
    const NamedCode cases[] = {
        {10022, "WSAEINVAL", std::errc::invalid_argument},
        {10035, "WSAEWOULDBLOCK", std::errc::operation_would_block},
        {10038, "WSAENOTSOCK", std::errc::not_a_socket},
        {10040, "WSAEMSGSIZE", std::errc::message_size},
        {10042, "WSAENOPROTOOPT", std::errc::no_protocol_option},
        {10048, "WSAEADDRINUSE", std::errc::address_in_use},
        {10049, "WSAEADDRNOTAVAIL", std::errc::address_not_available},
        {10050, "WSAENETDOWN", std::errc::network_down},
        {10051, "WSAENETUNREACH", std::errc::network_unreachable},
        {10054, "WSAECONNRESET", std::errc::connection_reset},
        {10061, "WSAECONNREFUSED", std::errc::connection_refused},
        {64, "ERROR_NETNAME_DELETED", std::errc::connection_reset},
        {87, "ERROR_INVALID_PARAMETER", std::errc::invalid_argument},
        {995, "ERROR_OPERATION_ABORTED", std::errc::operation_canceled},
        {997, "WSA_IO_PENDING", std::errc::operation_in_progress},
    };
    for (const auto& expected : cases) {
        CAPTURE(expected.code);
        const auto error = describe_native_error(expected.code);
        CHECK(error.native == expected.code);
        CHECK(error.native_name == expected.name);
        CHECK(error.portable == expected.portable);
        CHECK_FALSE(error.message.empty());
        CHECK(error.describe() == std::string(expected.name) + " (" +
                                      std::to_string(expected.code) + ") " + error.message);
    }
}

TEST_CASE("codes without a name still say which family they belong to", "[platform][windows]") {
    CHECK(describe_native_error(10999).native_name == "Winsock error 10999");
    CHECK(describe_native_error(54321).native_name == "Win32 error 54321");
    CHECK_FALSE(static_cast<bool>(describe_native_error(0)));
}

#else
TEST_CASE("errno values are named on POSIX systems", "[platform]") {
    const auto error = describe_native_error(EINVAL);
    CHECK(error.native_name == "EINVAL");
    CHECK(error.portable == std::errc::invalid_argument);
    CHECK(describe_native_error(EADDRNOTAVAIL).native_name == "EADDRNOTAVAIL");
}
#endif

TEST_CASE("last_socket_error reports the failure of the last socket call", "[platform]") {
    netdiag::platform::NetworkLibrary library;
    REQUIRE(library.ok());
    asio::io_context io;
    const asio::ip::udp::endpoint loopback(asio::ip::make_address_v4("127.0.0.1"), 0);
    asio::ip::udp::socket holder(io, loopback);
    asio::ip::udp::socket second(io);
    second.open(asio::ip::udp::v4());
    std::error_code bind_error;
    // Same address and port, no reuse option: the OS refuses the second bind.
    second.bind(holder.local_endpoint(), bind_error);
    // Read it before anything else runs: Catch2's own output calls (console colours) may
    // overwrite the thread's last error.
    const auto error = netdiag::platform::last_socket_error();
    REQUIRE(bind_error == asio::error::address_in_use);
    CHECK(error.native == bind_error.value());
    CHECK(error.native_name == (on_windows() ? "WSAEADDRINUSE" : "EADDRINUSE"));
    CHECK(error.portable == std::errc::address_in_use);
}
