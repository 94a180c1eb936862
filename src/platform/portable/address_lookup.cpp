// Name lookup with a deadline, written once over getaddrinfo (POSIX and Winsock alike).
#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "netdiag/platform.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform {
namespace {

struct Answer {
    int code = 0;
    std::vector<std::string> addresses;
};

// getaddrinfo with the given flags; the numeric, distinct addresses it gave.
Answer get_addresses(const std::string& host, int flags) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    // One entry per address rather than one per socket type.
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    Answer answer;
    answer.code = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (answer.code != 0) return answer;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        const auto endpoint = udp::to_endpoint(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen));
        if (!endpoint) continue;
        if (std::find(answer.addresses.begin(), answer.addresses.end(), endpoint->address) ==
            answer.addresses.end()) {
            answer.addresses.push_back(endpoint->address);
        }
    }
    freeaddrinfo(found);
    return answer;
}

// What the lookup thread and the waiting caller share; the thread keeps it alive after a
// caller that gave up has gone.
struct Pending {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    Answer answer;
};

}  // namespace

std::vector<std::string> lookup_addresses(const std::string& host,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::string& error) {
    // A numeric address never waits on a resolver: no thread for it.
    Answer answer = get_addresses(host, AI_NUMERICHOST);
    if (answer.code != 0) {
        auto pending = std::make_shared<Pending>();
        std::thread([pending, host] {
            auto result = get_addresses(host, 0);
            const std::lock_guard lock(pending->mutex);
            pending->answer = std::move(result);
            pending->done = true;
            pending->finished.notify_all();
        }).detach();
        std::unique_lock lock(pending->mutex);
        if (!pending->finished.wait_until(lock, deadline, [&] { return pending->done; })) {
            error = fmt::format(
                "cannot resolve '{}': no answer from the resolver before the "
                "deadline",
                host);
            return {};
        }
        answer = std::move(pending->answer);
    }
    if (answer.code != 0) {
        error = fmt::format("cannot resolve '{}': {}", host, udp::resolver_error_text(answer.code));
        return {};
    }
    if (answer.addresses.empty()) error = fmt::format("'{}' has no IPv4 or IPv6 address", host);
    return std::move(answer.addresses);
}

}  // namespace netdiag::platform
