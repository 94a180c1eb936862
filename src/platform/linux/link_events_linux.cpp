// Linux link events: an rtnetlink socket subscribed to the link, address and route groups,
// read by Asio when the kernel has something to say (no polling). A start-up dump (RTM_GETLINK,
// RTM_GETADDR on a second socket) gives every interface's state, so each event carries the old
// state as well as the new one.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>
#include <asio/posix/stream_descriptor.hpp>

#include "netdiag/link_events.hpp"
#include "netdiag/platform.hpp"
#include "rtnetlink_events_linux.hpp"

namespace netdiag::platform::links {
namespace {

constexpr unsigned kGroups =
    RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
constexpr std::size_t kBufferBytes = 64 * 1024;

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

std::string call_failed(std::string_view call, const SysError& error) {
    return fmt::format("{}: {}", call, error.describe());
}

// Dumps links then addresses into tracker on a socket of its own. The kernel answers a dump at
// once; the receive timeout only guards against a kernel that never does.
std::string dump_state(LinkStateTracker& tracker, bool baseline, std::vector<LinkEvent>& events) {
    Fd sock{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)};
    if (sock.fd < 0) return call_failed("socket(AF_NETLINK)", last_socket_error());
    const timeval limit{2, 0};
    ::setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::vector<std::byte> buffer(kBufferBytes);
    unsigned sequence = 1;
    for (const auto type : {RTM_GETLINK, RTM_GETADDR}) {
        struct {
            nlmsghdr header;
            rtgenmsg body;
        } request{};
        request.header.nlmsg_len = sizeof request;
        request.header.nlmsg_type = type;
        request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        request.header.nlmsg_seq = sequence++;
        request.body.rtgen_family = AF_UNSPEC;
        if (::send(sock.fd, &request, sizeof request, 0) < 0) {
            return call_failed("send(RTM_GETLINK/RTM_GETADDR dump)", last_socket_error());
        }
        for (bool done = false; !done;) {
            const auto got = ::recv(sock.fd, buffer.data(), buffer.size(), 0);
            if (got < 0) return call_failed("recv(rtnetlink dump)", last_socket_error());
            auto outcome = linux_rtnl::apply_messages(
                std::span(buffer.data(), static_cast<std::size_t>(got)), tracker, baseline);
            if (outcome.error != 0) {
                return call_failed("rtnetlink dump", describe_native_error(outcome.error));
            }
            for (auto& e : outcome.events) events.push_back(std::move(e));
            done = outcome.done;
        }
    }
    return {};
}

class NetlinkSource final : public LinkEventSource {
public:
    NetlinkSource(asio::io_context& io, int fd, LinkStateTracker tracker, Handler handler)
        : shared_(std::make_shared<Shared>(io, fd, std::move(tracker), std::move(handler))) {
        wait(shared_);
    }
    ~NetlinkSource() override { stop(); }

    std::vector<InterfaceStatus> initial_interfaces() const override { return initial_; }
    SourceStatus status() const override {
        std::lock_guard lock(shared_->mutex);
        return shared_->status;
    }
    void stop() override {
        asio::error_code ignored;
        shared_->descriptor.cancel(ignored);
    }

    void set_initial(std::vector<InterfaceStatus> initial) { initial_ = std::move(initial); }

private:
    // What a pending wait needs; shared so a wait that completes after stop() is harmless.
    struct Shared {
        Shared(asio::io_context& io, int fd, LinkStateTracker t, Handler h)
            : descriptor(io, fd), tracker(std::move(t)), handler(std::move(h)) {
            status.mechanism = "rtnetlink (link, ipv4/ipv6 address, ipv4/ipv6 route groups)";
        }
        asio::posix::stream_descriptor descriptor;
        LinkStateTracker tracker;
        Handler handler;
        std::vector<std::byte> buffer = std::vector<std::byte>(kBufferBytes);
        mutable std::mutex mutex;
        SourceStatus status;
    };

    static void wait(std::shared_ptr<Shared> shared) {
        auto& descriptor = shared->descriptor;
        descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                              [shared = std::move(shared)](const asio::error_code& ec) {
                                  if (ec) return;  // cancelled by stop()
                                  drain(*shared);
                                  wait(shared);
                              });
    }

    // Reads every queued message; the socket is non-blocking, so this never waits.
    static void drain(Shared& shared) {
        const int fd = shared.descriptor.native_handle();
        for (;;) {
            const auto got = ::recv(fd, shared.buffer.data(), shared.buffer.size(), MSG_DONTWAIT);
            if (got < 0 && errno == ENOBUFS) {
                resync(shared);
                continue;
            }
            if (got <= 0) return;
            const auto outcome = linux_rtnl::apply_messages(
                std::span(shared.buffer.data(), static_cast<std::size_t>(got)), shared.tracker,
                false);
            for (const auto& event : outcome.events) shared.handler(event);
        }
    }

    // The kernel dropped notifications (our receive queue overflowed): dump again and turn the
    // differences into events, so the state stays right even if some moments are lost.
    static void resync(Shared& shared) {
        std::vector<LinkEvent> events;
        const auto failure = dump_state(shared.tracker, false, events);
        {
            std::lock_guard lock(shared.mutex);
            shared.status.notes.push_back(
                failure.empty() ? "the kernel dropped notifications (ENOBUFS); state re-read"
                                : "the kernel dropped notifications (ENOBUFS); " + failure);
        }
        for (const auto& event : events) shared.handler(event);
    }

    std::shared_ptr<Shared> shared_;
    std::vector<InterfaceStatus> initial_;
};

}  // namespace

std::unique_ptr<LinkEventSource> open_link_event_source(asio::io_context& io,
                                                        LinkEventSource::Handler handler,
                                                        SysError& error, std::string& error_text) {
    // Subscribe first, then dump: a change in between is queued on the subscribed socket and
    // the tracker turns it into an event only if the dump did not already show it.
    Fd sock{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE)};
    if (sock.fd < 0) {
        error = last_socket_error();
        error_text = call_failed("socket(AF_NETLINK, NETLINK_ROUTE)", error);
        return nullptr;
    }
    const int receive_bytes = 1 << 20;
    ::setsockopt(sock.fd, SOL_SOCKET, SO_RCVBUF, &receive_bytes, sizeof receive_bytes);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = kGroups;
    if (::bind(sock.fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
        error = last_socket_error();
        error_text = call_failed("bind(rtnetlink groups link, address, route)", error);
        return nullptr;
    }
    LinkStateTracker tracker;
    std::vector<LinkEvent> ignored;
    if (auto failure = dump_state(tracker, true, ignored); !failure.empty()) {
        error = last_socket_error();
        error_text = std::move(failure);
        return nullptr;
    }
    auto initial = tracker.interfaces();
    auto source =
        std::make_unique<NetlinkSource>(io, sock.release(), std::move(tracker), std::move(handler));
    source->set_initial(std::move(initial));
    return source;
}

}  // namespace netdiag::platform::links
