// A Zenoh node's scouting half, for tests: listens on the group as Zenoh does (SO_REUSEADDR,
// bound to the group address, joined on one interface address), answers each Scout with a
// Hello by unicast to the Scout's source, and records every datagram it receives on the group.
// Speaks the real wire format through the project's codec.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "netdiag/multicast.hpp"
#include "proto/zenoh/zenoh_scouting.hpp"
#include "ready_flag.hpp"

namespace netdiag::testing {

class ZenohResponder {
public:
    struct Config {
        std::string group = "224.0.0.224";
        std::uint16_t port = 7446;
        std::string join_address = "127.0.0.1";  // interface address to join on
        proto::zenoh::Hello hello;
        std::function<bool()> enter;  // runs first in the responder's thread (setns)
        // Source address of the Hellos ("" = the kernel's choice); a peer whose source the
        // probe's host cannot route back stands for one that rp_filter drops.
        std::string reply_from;
    };

    explicit ZenohResponder(Config config) : config_(std::move(config)) {
        thread_ = std::thread([this] { serve(); });
        ready_.wait_for(std::chrono::seconds(3));
    }
    ~ZenohResponder() {
        stop_ = true;
        thread_.join();
    }
    ZenohResponder(const ZenohResponder&) = delete;
    ZenohResponder& operator=(const ZenohResponder&) = delete;

    // "" when listening; else what failed.
    std::string setup_error() const {
        std::lock_guard lock(mutex_);
        return error_;
    }
    std::vector<std::string> received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    int scouts_answered() const { return answered_; }

private:
    void fail(const std::string& what) {
        std::lock_guard lock(mutex_);
        error_ = what;
    }

    void serve() {
        namespace mc = platform::multicast;
        if (config_.enter && !config_.enter()) {
            fail("could not enter the namespace");
            ready_.set();
            return;
        }
        mc::MulticastSocket socket;
        SysError e = socket.open(mc::Family::ipv4);
        if (!e) e = socket.bind(config_.group, config_.port, {.reuse_address = true});
        if (!e) e = socket.join(config_.group, {.ipv4_address = config_.join_address});
        if (e) {
            fail("listen: " + e.describe());
            ready_.set();
            return;
        }
        mc::MulticastSocket reply;
        SysError r = reply.open(mc::Family::ipv4);
        if (!r && !config_.reply_from.empty()) r = reply.bind(config_.reply_from, 0);
        if (r) fail("reply socket: " + r.describe());
        ready_.set();
        while (!stop_) {
            auto got =
                socket.receive(std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
            if (!got.datagram) continue;
            const auto& d = *got.datagram;
            {
                std::lock_guard lock(mutex_);
                received_.emplace_back(d.bytes.begin(), d.bytes.end());
            }
            const auto message = proto::zenoh::decode(d.bytes);
            if (!message || !std::holds_alternative<proto::zenoh::Scout>(message.value())) continue;
            if (!reply.send_to(d.source_address, d.source_port,
                               proto::zenoh::encode(config_.hello))) {
                ++answered_;
            }
        }
    }

    Config config_;
    std::thread thread_;
    ReadyFlag ready_;
    std::atomic<bool> stop_{false};
    std::atomic<int> answered_{0};
    mutable std::mutex mutex_;
    std::string error_;
    std::vector<std::string> received_;
};

}  // namespace netdiag::testing
