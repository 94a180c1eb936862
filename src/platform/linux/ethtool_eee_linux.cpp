#include "platform/linux/ethtool_eee_linux.hpp"

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netdiag/platform.hpp"
#include "platform/portable/ethtool_eee.hpp"
#include "platform/posix/unique_fd.hpp"

namespace netdiag::platform::linux_fs {
namespace {

static_assert(ETHTOOL_MSG_EEE_GET == 23 && ETHTOOL_MSG_EEE_GET_REPLY == 24,
              "ethtool_eee.cpp's message numbers must match the kernel's");
static_assert(ETHTOOL_A_EEE_ACTIVE == 4 && ETHTOOL_A_EEE_ENABLED == 5);
static_assert(CTRL_CMD_GETFAMILY == 3 && CTRL_ATTR_FAMILY_ID == 1 && GENL_ID_CTRL == 0x10);

// Netlink answers a local request at once; the deadline only guards against a kernel that
// never does.
constexpr int kReplyDeadlineMs = 500;

std::string errno_text(const char* call, int error) {
    return std::string(call) + ": " + describe_native_error(error).describe();
}

// One request, one reply; false with `error` set when either fails.
bool exchange(int fd, const Bytes& request, Bytes& reply, std::string& error) {
    if (::send(fd, request.data(), request.size(), 0) < 0) {
        error = errno_text("send", errno);
        return false;
    }
    reply.assign(16384, 0);
    const ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
    if (n < 0) {
        error = errno == EAGAIN || errno == EWOULDBLOCK
                    ? "no netlink reply within " + std::to_string(kReplyDeadlineMs) + " ms"
                    : errno_text("recv", errno);
        return false;
    }
    reply.resize(static_cast<std::size_t>(n));
    return true;
}

EeeState query_ioctl(const std::string& interface) {
    EeeState state;
    state.source = "ioctl";
    posix::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) {
        state.error = errno_text("socket", errno);
        return state;
    }
    ethtool_eee eee{};
    eee.cmd = ETHTOOL_GEEE;
    ifreq request{};
    std::strncpy(request.ifr_name, interface.c_str(), IFNAMSIZ - 1);
    request.ifr_data = reinterpret_cast<char*>(&eee);
    if (::ioctl(fd.get(), SIOCETHTOOL, &request) != 0) {
        state.error = errno == EOPNOTSUPP ? eee_error_text(EOPNOTSUPP)
                                          : errno_text("SIOCETHTOOL ETHTOOL_GEEE", errno);
        return state;
    }
    state.enabled = eee.eee_enabled != 0;
    state.active = eee.eee_active != 0;
    return state;
}

}  // namespace

EeeState query_eee(const std::string& interface) {
    EeeState state;
    state.source = "netlink";
    posix::UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC));
    if (fd.get() < 0) {
        state.error = errno_text("socket(NETLINK_GENERIC)", errno);
        return state;
    }
    timeval deadline{0, kReplyDeadlineMs * 1000};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
    Bytes reply;
    if (!exchange(fd.get(), ethtool_family_request(1), reply, state.error)) return state;
    const auto family = parse_family_reply(reply);
    if (family.error == ENOENT) return query_ioctl(interface);  // no ethtool netlink family
    if (!family.id) {
        state.error = family.error != 0 ? errno_text("CTRL_CMD_GETFAMILY ethtool", family.error)
                                        : "CTRL_CMD_GETFAMILY ethtool: " + family.malformed;
        return state;
    }
    if (!exchange(fd.get(), eee_get_request(*family.id, 2, interface), reply, state.error)) {
        return state;
    }
    const auto eee = parse_eee_reply(reply);
    state.enabled = eee.enabled;
    state.active = eee.active;
    if (eee.error != 0) {
        state.error = eee_error_text(eee.error);
    } else if (!eee.malformed.empty()) {
        state.error = "ETHTOOL_MSG_EEE_GET: " + eee.malformed;
    }
    return state;
}

}  // namespace netdiag::platform::linux_fs
