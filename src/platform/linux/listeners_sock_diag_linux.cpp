// Listening sockets on Linux, read the way `ss` reads them: a sock_diag (NETLINK_SOCK_DIAG)
// dump of inet sockets. For a TCP listener the kernel puts the accept queue in idiag_rqueue
// (sk_ack_backlog) and the backlog in idiag_wqueue (sk_max_ack_backlog, already capped by
// somaxconn). The listen drop counters come from /proc/net/netstat. Nothing is sent anywhere.
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "netdiag/listeners.hpp"

namespace netdiag::platform::listeners {
namespace {

// TCP states as inet_diag numbers them (include/net/tcp_states.h).
constexpr int kTcpListenState = 10;
constexpr int kTcpCloseState = 7;  // an unconnected UDP socket
// A dump that has not ended after this long is abandoned: the kernel answers in microseconds.
constexpr int kReceiveTimeoutMs = 1000;

class NetlinkSocket {
public:
    NetlinkSocket() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {
        if (fd_ >= 0) {
            timeval timeout{0, kReceiveTimeoutMs * 1000};
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        }
    }
    ~NetlinkSocket() {
        if (fd_ >= 0) ::close(fd_);
    }
    NetlinkSocket(const NetlinkSocket&) = delete;
    NetlinkSocket& operator=(const NetlinkSocket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

std::string errno_text(int error) {
    return fmt::format("{} ({})", std::strerror(error), error);
}

std::string address_text(int family, const __be32* words) {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, words, text, sizeof text);
    return text;
}

bool wanted(const Query& query, std::uint16_t port) {
    return port != 0 && (query.ports.empty() || query.ports.count(port) > 0);
}

// One dump: every socket of one family and protocol in the chosen states.
void dump(int family, int protocol, std::uint32_t states, Transport transport, const Query& query,
          Sample& sample) {
    const auto what =
        fmt::format("sock_diag {} {}", to_string(transport), family == AF_INET ? "ipv4" : "ipv6");
    NetlinkSocket sock;
    if (sock.fd() < 0) {
        sample.problems.push_back(fmt::format("{}: socket: {}", what, errno_text(errno)));
        return;
    }
    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.header.nlmsg_seq = 1;
    message.request.sdiag_family = static_cast<std::uint8_t>(family);
    message.request.sdiag_protocol = static_cast<std::uint8_t>(protocol);
    message.request.idiag_states = states;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(sock.fd(), &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
        sample.problems.push_back(fmt::format("{}: send: {}", what, errno_text(errno)));
        return;
    }
    alignas(nlmsghdr) char buffer[32 * 1024];
    for (;;) {
        const auto got = ::recv(sock.fd(), buffer, sizeof buffer, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            sample.problems.push_back(fmt::format("{}: receive: {}", what, errno_text(errno)));
            return;
        }
        if (got == 0) return;
        auto remaining = static_cast<int>(got);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, remaining);
             h = NLMSG_NEXT(h, remaining)) {
            if (h->nlmsg_type == NLMSG_DONE) return;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                // IPv6 disabled in the kernel answers the IPv6 dump with an error: no sockets.
                if (family == AF_INET6 && -error->error == EAFNOSUPPORT) return;
                sample.problems.push_back(fmt::format("{}: {}", what, errno_text(-error->error)));
                return;
            }
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
            const auto port = ntohs(m->id.idiag_sport);
            if (!wanted(query, port)) continue;
            // A UDP socket with a peer is a client's connected socket, not a server's.
            if (transport == Transport::udp && m->id.idiag_dport != 0) continue;
            SocketFacts s;
            s.transport = transport;
            s.address = address_text(m->idiag_family, m->id.idiag_src);
            s.port = port;
            s.inode = m->idiag_inode;
            s.queued = m->idiag_rqueue;
            if (transport == Transport::tcp) s.backlog = m->idiag_wqueue;
            s.uid = m->idiag_uid;
            sample.sockets.push_back(std::move(s));
        }
    }
}

// TcpExt's ListenOverflows and ListenDrops: a header line of names, then a line of values.
std::optional<ListenCounters> read_counters(std::vector<std::string>& problems) {
    std::ifstream in("/proc/net/netstat");
    if (!in) {
        problems.push_back(
            "/proc/net/netstat: cannot be read, so dropped connections are not "
            "counted");
        return std::nullopt;
    }
    std::string names;
    std::string values;
    while (std::getline(in, names) && std::getline(in, values)) {
        if (names.rfind("TcpExt:", 0) != 0) continue;
        std::istringstream n(names);
        std::istringstream v(values);
        std::string name;
        std::string value;
        ListenCounters counters;
        int found = 0;
        while (n >> name && v >> value) {
            if (name == "ListenOverflows") {
                counters.overflows = std::strtoull(value.c_str(), nullptr, 10);
                ++found;
            } else if (name == "ListenDrops") {
                counters.drops = std::strtoull(value.c_str(), nullptr, 10);
                ++found;
            }
        }
        if (found == 2) return counters;
    }
    problems.push_back("/proc/net/netstat: no TcpExt ListenOverflows/ListenDrops");
    return std::nullopt;
}

}  // namespace

Sample sample_sockets(const Query& query) {
    Sample sample;
    sample.method = "sock_diag netlink (inet_diag), /proc/net/netstat";
    sample.counters = read_counters(sample.problems);
    for (const int family : {AF_INET, AF_INET6}) {
        dump(family, IPPROTO_TCP, 1U << kTcpListenState, Transport::tcp, query, sample);
        if (query.udp) {
            dump(family, IPPROTO_UDP, 1U << kTcpCloseState, Transport::udp, query, sample);
        }
    }
    return sample;
}

std::optional<std::uint32_t> somaxconn() {
    std::ifstream in("/proc/sys/net/core/somaxconn");
    std::uint32_t value = 0;
    if (in >> value) return value;
    return std::nullopt;
}

}  // namespace netdiag::platform::listeners
