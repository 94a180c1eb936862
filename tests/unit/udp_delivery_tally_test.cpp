// The receiver's counting: what the probe and `netdiag peer` report as lost, duplicated,
// reordered and unsegmented.
#include <catch2/catch.hpp>

#include "probes/udp_batch/datagram_payload.hpp"
#include "probes/udp_batch/delivery_tally.hpp"

using namespace netdiag::probes::udp_batch;

namespace {

std::span<const std::byte> datagram(const std::vector<std::byte>& batch, std::size_t index,
                                    std::size_t size) {
    return std::span<const std::byte>(batch).subspan(index * size, size);
}

}  // namespace

TEST_CASE("payload header round-trips and rejects foreign bytes") {
    const auto batch = make_batch(7, 100, 3, 64);
    REQUIRE(batch.size() == 192);
    const auto second = read_header(datagram(batch, 1, 64));
    REQUIRE(second);
    CHECK(second->stream == 7);
    CHECK(second->sequence == 101);
    CHECK(second->size == 64);
    std::vector<std::byte> junk(64, std::byte{0x41});
    CHECK_FALSE(read_header(junk));
    CHECK_FALSE(read_header(std::span<const std::byte>(batch).first(15)));
}

TEST_CASE("renumber_batch rewrites every sequence number") {
    auto batch = make_batch(1, 0, 4, 32);
    renumber_batch(batch, 32, 1000);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(read_header(datagram(batch, i, 32))->sequence == 1000 + i);
}

TEST_CASE("an intact stream has nothing lost, duplicated or reordered") {
    DeliveryTally tally;
    tally.expect(5, 4);
    const auto batch = make_batch(5, 0, 4, 100);
    for (std::size_t i = 0; i < 4; ++i) tally.record(datagram(batch, i, 100));
    const auto r = tally.report(5);
    CHECK(r.delivered == 4);
    CHECK(r.datagrams == 4);
    CHECK(r.bytes == 400);
    CHECK(r.lost == 0);
    CHECK(r.duplicated == 0);
    CHECK(r.reordered == 0);
    CHECK(r.unsegmented == 0);
}

TEST_CASE("loss, duplicates and reordering are counted") {
    DeliveryTally tally;
    tally.expect(9, 5);
    const auto batch = make_batch(9, 0, 5, 50);
    for (const std::size_t i : {0u, 2u, 1u, 2u, 4u}) tally.record(datagram(batch, i, 50));
    const auto r = tally.report(9);
    CHECK(r.delivered == 4);  // 0, 1, 2, 4
    CHECK(r.lost == 1);       // 3
    CHECK(r.duplicated == 1);
    CHECK(r.reordered == 1);  // 1 after 2
}

TEST_CASE("a batch delivered as one datagram is unsegmented, its segments delivered") {
    DeliveryTally tally;
    tally.expect(3, 4);
    const auto batch = make_batch(3, 0, 4, 1000);
    tally.record(batch);  // what Wine delivers for WSASendMsg + UDP_SEND_MSG_SIZE
    const auto r = tally.report(3);
    CHECK(r.unsegmented == 1);
    CHECK(r.largest_unsegmented == 4000);
    CHECK(r.datagrams == 1);
    CHECK(r.delivered == 4);
    CHECK(r.lost == 0);
}

TEST_CASE("a truncated datagram is counted as wrong size, foreign datagrams apart") {
    DeliveryTally tally;
    const auto batch = make_batch(4, 0, 2, 200);
    tally.record(std::span<const std::byte>(batch).first(120));
    std::vector<std::byte> junk(30, std::byte{1});
    tally.record(junk);
    CHECK(tally.report(4).wrong_size == 1);
    CHECK(tally.foreign() == 1);
}

TEST_CASE("stream reports survive JSON, as the peer sends them") {
    DeliveryTally tally;
    tally.expect(11, 3);
    const auto batch = make_batch(11, 0, 3, 64);
    tally.record(datagram(batch, 0, 64));
    const auto original = tally.report(11);
    const auto parsed = stream_report_from_json(to_json(original));
    REQUIRE(parsed);
    CHECK(parsed->stream == 11);
    CHECK(parsed->expected == 3);
    CHECK(parsed->lost == 2);
    CHECK_FALSE(stream_report_from_json(nlohmann::json{{"stream", 1}}));
}
