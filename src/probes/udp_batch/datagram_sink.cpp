#include "datagram_sink.hpp"

#include <algorithm>
#include <vector>

namespace netdiag::probes::udp_batch {
namespace {

// Large enough to hold a verification burst while the thread catches up; the kernel caps it
// at net.core.rmem_max.
constexpr int kReceiveBufferBytes = 8 * 1024 * 1024;
constexpr std::chrono::milliseconds kPollInterval{20};

}  // namespace

DatagramSink::~DatagramSink() {
    stop();
}

SysError DatagramSink::start(const platform::udp::Endpoint& local) {
    if (auto error = socket_.open(local.family())) return error;
    socket_.set_buffer_sizes(0, kReceiveBufferBytes);
    if (auto error = socket_.bind(local)) return error;
    const auto bound = socket_.local_endpoint();
    endpoint_ = bound ? *bound : local;
    stopping_ = false;
    thread_ = std::thread([this] { receive_loop(); });
    return {};
}

void DatagramSink::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    socket_.close();
}

void DatagramSink::receive_loop() {
    std::vector<std::byte> buffer(65536);
    while (!stopping_) {
        const auto got = socket_.receive(buffer, kPollInterval);
        if (got.timed_out || got.error) continue;  // a lone ICMP error is not fatal: read on
        const std::lock_guard lock(mutex_);
        tally_.record(std::span<const std::byte>(buffer).first(std::min(got.size, buffer.size())));
        last_arrival_ = std::chrono::steady_clock::now();
        arrived_.notify_all();
    }
}

void DatagramSink::expect(std::uint32_t stream, std::uint64_t count) {
    const std::lock_guard lock(mutex_);
    tally_.expect(stream, count);
}

StreamReport DatagramSink::report(std::uint32_t stream) {
    const std::lock_guard lock(mutex_);
    return tally_.report(stream);
}

StreamReport DatagramSink::wait_for(std::uint32_t stream, std::uint64_t count,
                                    std::chrono::milliseconds quiet,
                                    std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    const auto waiting_since = std::chrono::steady_clock::now();
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        const auto report = tally_.report(stream);
        const auto last = std::max(last_arrival_, waiting_since);
        if (report.delivered >= count || now >= deadline || now - last >= quiet) return report;
        arrived_.wait_until(lock, std::min(deadline, last + quiet));
    }
}

std::uint64_t DatagramSink::foreign() {
    const std::lock_guard lock(mutex_);
    return tally_.foreign();
}

void DatagramSink::trim(std::size_t keep) {
    const std::lock_guard lock(mutex_);
    tally_.trim(keep);
}

}  // namespace netdiag::probes::udp_batch
