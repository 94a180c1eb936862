// The host snapshot read from the real OS (GetAdaptersAddresses & co. on Windows, /sys and
// getifaddrs on Linux): the facts every report carries must be there and consistent.
#include <algorithm>
#include <regex>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include "netdiag/platform.hpp"

namespace {

using netdiag::platform::current_platform;
using netdiag::platform::HostSnapshot;
using netdiag::platform::NetInterface;

bool has_address(const NetInterface& iface, const std::string& address) {
    return std::any_of(iface.addresses.begin(), iface.addresses.end(),
                       [&](const auto& a) { return a.address == address; });
}

}  // namespace

TEST_CASE("the host snapshot names this OS, its architecture and host name", "[platform]") {
    netdiag::platform::NetworkLibrary library;
    const HostSnapshot snapshot = netdiag::platform::read_host_snapshot();
    CHECK(snapshot.facts.os == current_platform());
    CHECK_FALSE(snapshot.facts.os_name.empty());
    CHECK_FALSE(snapshot.facts.architecture.empty());
    CHECK(snapshot.facts.architecture != "unknown");
    CHECK_FALSE(snapshot.facts.hostname.empty());
    if (current_platform() == "windows") {
        // RtlGetVersion, not the compatibility-shimmed GetVersionEx: "10.0.19045" and the like.
        CHECK(std::regex_match(snapshot.facts.os_version, std::regex(R"(\d+\.\d+\.\d+)")));
        CHECK(snapshot.facts.wsl == netdiag::platform::WslKind::none);
    }
}

TEST_CASE("the host snapshot lists the loopback interface with its address", "[platform]") {
    netdiag::platform::NetworkLibrary library;
    const HostSnapshot snapshot = netdiag::platform::read_host_snapshot();
    REQUIRE_FALSE(snapshot.interfaces.empty());
    const auto loopback =
        std::find_if(snapshot.interfaces.begin(), snapshot.interfaces.end(),
                     [](const NetInterface& iface) { return iface.flags.loopback; });
    REQUIRE(loopback != snapshot.interfaces.end());
    CHECK(has_address(*loopback, "127.0.0.1"));
    CHECK(loopback->mtu > 0);

    std::set<unsigned> indexes;
    for (const auto& iface : snapshot.interfaces) {
        CAPTURE(iface.name);
        CHECK_FALSE(iface.name.empty());
        CHECK(iface.index != 0);
        CHECK(indexes.insert(iface.index).second);
        CHECK_FALSE(iface.oper_state.empty());
        for (const auto& address : iface.addresses) {
            CHECK((address.family == "ipv4" || address.family == "ipv6"));
            CHECK(address.prefix_length <= (address.family == "ipv4" ? 32 : 128));
        }
        if (current_platform() == "windows") {
            // GetAdaptersAddresses always has these; the report relies on them there.
            CHECK_FALSE(iface.friendly_name.empty());
            CHECK(iface.if_type.has_value());
        }
    }
    if (current_platform() == "windows") {
        CHECK(loopback->if_type == 24u);  // IF_TYPE_SOFTWARE_LOOPBACK
    }
}

TEST_CASE("default routes point at interfaces of the snapshot", "[platform]") {
    netdiag::platform::NetworkLibrary library;
    const HostSnapshot snapshot = netdiag::platform::read_host_snapshot();
    if (snapshot.default_routes.empty()) {
        NETDIAG_SKIP("default-route", "this host has no default route");
    }
    for (const auto& route : snapshot.default_routes) {
        CAPTURE(route.destination, route.interface_index);
        CHECK(route.prefix_length == 0);
        CHECK((route.family == "ipv4" || route.family == "ipv6"));
        const bool known = std::any_of(
            snapshot.interfaces.begin(), snapshot.interfaces.end(),
            [&](const NetInterface& iface) { return iface.index == route.interface_index; });
        CHECK(known);
        CHECK_FALSE(route.interface_name.empty());
    }
}
