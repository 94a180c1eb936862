// A UDP receiver on its own thread that feeds every datagram it reads into a DeliveryTally.
// The probe runs one on loopback to verify its own sends; `netdiag peer` runs one on a real
// interface. It never enables UDP_GRO, so each datagram is counted as the wire carried it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "delivery_tally.hpp"
#include "netdiag/udp_send.hpp"

namespace netdiag::probes::udp_batch {

class DatagramSink {
public:
    DatagramSink() = default;
    ~DatagramSink();
    DatagramSink(const DatagramSink&) = delete;
    DatagramSink& operator=(const DatagramSink&) = delete;

    // Binds to local (port 0 picks one) and starts the receiving thread.
    SysError start(const platform::udp::Endpoint& local);
    void stop();
    const platform::udp::Endpoint& endpoint() const { return endpoint_; }

    void expect(std::uint32_t stream, std::uint64_t count);
    StreamReport report(std::uint32_t stream);
    // Waits until the stream has `count` distinct datagrams, or nothing arrived for `quiet`,
    // or `deadline` passed; returns the stream's report then.
    StreamReport wait_for(std::uint32_t stream, std::uint64_t count,
                          std::chrono::milliseconds quiet,
                          std::chrono::steady_clock::time_point deadline);
    std::uint64_t foreign();
    void trim(std::size_t keep);

private:
    void receive_loop();

    platform::udp::UdpSocket socket_;
    platform::udp::Endpoint endpoint_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable arrived_;
    DeliveryTally tally_;
    std::chrono::steady_clock::time_point last_arrival_{};
};

}  // namespace netdiag::probes::udp_batch
