// The platform layer: everything netdiag asks of the operating system goes through here.
// One implementation per OS family lives in src/platform/<os>/; nothing else uses #ifdef.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/error.hpp"
#include "netdiag/firewall.hpp"
#include "netdiag/link_power.hpp"

namespace netdiag::platform {

enum class WslKind { none, wsl1, wsl2 };
std::string_view to_string(WslKind kind);

struct HostFacts {
    std::string os;            // "linux", "windows"
    std::string os_name;       // "Debian GNU/Linux 12 (bookworm)", "Windows 10.0.19045"
    std::string os_version;    // distribution / Windows version number
    std::string kernel;        // uname release or Windows build
    std::string architecture;  // x86_64, aarch64, …
    std::string hostname;
    WslKind wsl = WslKind::none;
    std::string wsl_networking;  // "nat", "mirrored" or "" when not detectable / not WSL
    std::string container;       // "docker", "podman", "lxc", "kubernetes", "wine" or ""
};

struct InterfaceFlags {
    bool up = false;
    bool running = false;
    bool loopback = false;
    bool multicast = false;
    bool point_to_point = false;
};

struct InterfaceAddress {
    std::string family;  // "ipv4" or "ipv6"
    std::string address;
    int prefix_length = 0;
};

struct NetInterface {
    std::string name;
    std::string friendly_name;  // Windows adapter friendly name; empty elsewhere
    unsigned index = 0;
    InterfaceFlags flags;
    std::string oper_state;  // "up", "down", "dormant", "unknown", …
    unsigned mtu = 0;
    std::vector<InterfaceAddress> addresses;
    std::string hardware_address;     // aa:bb:cc:dd:ee:ff or empty
    std::string driver;               // kernel driver (r8152, e1000e, virtio_net) where known
    std::string bus;                  // "usb", "pci", "virtual", "" when unknown
    std::string usb_power_control;    // "auto" (autosuspend) or "on"; empty unless USB
    std::optional<unsigned> if_type;  // IANA ifType (Windows IfType); empty where unknown
    LinkPower power;                  // EEE, ASPM (Linux); power management (Windows)
};

struct Route {
    std::string family;  // "ipv4" / "ipv6"
    std::string destination;
    int prefix_length = 0;
    std::string gateway;  // empty for on-link
    std::string interface_name;
    unsigned interface_index = 0;
    unsigned metric = 0;
};

struct HostSnapshot {
    HostFacts facts;
    std::vector<NetInterface> interfaces;
    std::vector<Route> default_routes;
    HostPower power;                    // ASPM policy (Linux), power plan (Windows)
    std::vector<std::string> warnings;  // what could not be read, one line each
    // Read separately (firewall::read_host_firewall) by the commands that judge it; reported
    // under `firewall` where it applies (Windows).
    firewall::HostFirewall firewall;
};

// Reads the host's facts, interfaces and default routes. Never throws for a missing file or
// an OS call that fails: what could not be read goes into HostSnapshot::warnings.
HostSnapshot read_host_snapshot();

nlohmann::json to_json(const HostFacts& facts);
nlohmann::json to_json(const NetInterface& iface);
nlohmann::json to_json(const Route& route);
nlohmann::json to_json(const HostSnapshot& snapshot);
nlohmann::json to_json(const LinkPower& power);
nlohmann::json to_json(const HostPower& power);

// The last socket error of the calling thread (errno / WSAGetLastError) and the naming of any
// native code. Win32 codes (87, 995) and Winsock codes (10022) are named on Windows.
SysError last_socket_error();
SysError describe_native_error(int native);

// True when the standard stream (1 = stdout, 2 = stderr) is a terminal: colours and progress
// lines are for people only.
bool is_terminal(int stream);

// Kills and reaps every child process netdiag started that is still running (the accept
// workers of a probe abandoned at an interrupt, a converter past its deadline) and refuses new
// ones. Called once, just before the process exits, so nothing it started outlives it.
void end_child_processes();

// The addresses a host name stands for, IPv4 and IPv6 in the resolver's order (a numeric
// address stands for itself), looked up within the deadline. getaddrinfo cannot be cancelled,
// so a name is looked up on a thread of its own, left to finish by itself when the deadline
// comes first. Empty, with `error` set to one line, when the lookup failed or ran out of time.
std::vector<std::string> lookup_addresses(const std::string& host,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::string& error);

// Name of this platform's family as shown in `netdiag list`: "linux" or "windows".
std::string_view current_platform();

// Keeps the socket library initialised for its lifetime (WSAStartup/WSACleanup on Windows,
// nothing elsewhere). main() holds one.
class NetworkLibrary {
public:
    NetworkLibrary();
    ~NetworkLibrary();
    NetworkLibrary(const NetworkLibrary&) = delete;
    NetworkLibrary& operator=(const NetworkLibrary&) = delete;
    bool ok() const { return error_.native == 0; }
    const SysError& error() const { return error_; }

private:
    SysError error_;
};

}  // namespace netdiag::platform
