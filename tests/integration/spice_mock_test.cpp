// The spice probe against test servers that misbehave the ways real servers do (or would):
// each must end in the right finding or a precise error, within the probe's deadline.
#include <atomic>
#include <chrono>

#include <catch2/catch.hpp>

#include "netdiag/probe.hpp"
#include "probes/spice/spice_options.hpp"
#include "run_binary.hpp"
#include "spice/mock_spice_server.hpp"

namespace {

using namespace std::chrono_literals;
using netdiag::test::MockBehaviour;
using netdiag::test::MockSpiceServer;

struct ProbeRun {
    netdiag::ProbeResult result;
    std::chrono::milliseconds wall{0};
};

ProbeRun run_spice(const std::vector<std::string>& targets, std::chrono::milliseconds timeout,
                   std::chrono::milliseconds watch = 1000ms, std::string password = {}) {
    netdiag::ProbeOptions options;
    auto& spice = options.edit<netdiag::probes::spice::SpiceOptions>();
    spice.targets = targets;
    spice.watch = watch;
    spice.password = std::move(password);
    const netdiag::platform::HostSnapshot host;
    const std::atomic<bool> cancel{false};
    const auto start = std::chrono::steady_clock::now();
    netdiag::ProbeContext context("spice", host, options, start + timeout, cancel);
    const auto* info = netdiag::find_probe("spice");
    REQUIRE(info != nullptr);
    ProbeRun run;
    run.result = info->make()->run(context);
    run.wall = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return run;
}

std::vector<std::uint8_t> test_key() {
    auto key = MockSpiceServer::read_key(NETDIAG_FIXTURES_DIR "/spice/test_rsa1024_public.der");
    REQUIRE(key.size() == 162);
    return key;
}

const netdiag::Finding* find(const netdiag::ProbeResult& r, std::string_view id) {
    for (const auto& f : r.findings) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("spice probe: a well-behaved server passes with its channel table",
          "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::normal, test_key());
    const auto run = run_spice({server.target()}, 5s, 500ms);
    INFO(netdiag::to_json(run.result).dump(1));
    CHECK(run.result.findings.empty());
    CHECK(server.linked);
    CHECK(server.attach_received);
    CHECK(server.pongs >= 1);  // the client answered the PING
    const auto& t = run.result.measurements["targets"][0];
    CHECK(t["protocol"] == "2.2");
    CHECK(t["session_id"] == 0x5eed);
    CHECK(t["lists"][0]["channels"].size() == 5);
    CHECK(run.result.measurements["tables"][0]["rows"].size() == 5);
    CHECK(run.wall >= 450ms);  // it watched
    CHECK(run.wall < 2s);
}

TEST_CASE("spice probe: PLAYBACK listed twice in one list", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::duplicate_in_list, test_key());
    const auto run = run_spice({server.target()}, 5s, 300ms);
    const auto* f = find(run.result, "ND-SPICE-001");
    REQUIRE(f != nullptr);
    CHECK(f->severity == netdiag::Severity::error);
    CHECK(f->title == "SPICE server at " + server.target() + " lists PLAYBACK (5, 0) twice");
    CHECK(f->evidence["same_list"] == true);
    CHECK(f->detail.find("QEMU 9.1.1") != std::string::npos);
    CHECK(f->remedy.at(0).find("9.1.2") != std::string::npos);
    CHECK(f->remedy.at(1).find("9.1.0") != std::string::npos);
}

TEST_CASE("spice probe: PLAYBACK announced again after a delay", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::duplicate_later, test_key(), 400ms);
    const auto run = run_spice({server.target()}, 5s, 1500ms);
    const auto* f = find(run.result, "ND-SPICE-001");
    REQUIRE(f != nullptr);
    INFO(f->detail);
    CHECK(f->evidence["same_list"] == false);
    CHECK(f->evidence["channel_name"] == "PLAYBACK");
    CHECK(f->evidence["again_list"] == 1);
    const auto gap =
        f->evidence["again_at_ms"].get<long>() - f->evidence["first_at_ms"].get<long>();
    CHECK(gap >= 350);
    CHECK(gap < 1000);
    CHECK(f->detail.find("9.1.2") != std::string::npos);
}

TEST_CASE("spice probe: a delayed duplicate outside the watch window is not seen",
          "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::duplicate_later, test_key(), 1500ms);
    const auto run = run_spice({server.target()}, 5s, 300ms);
    CHECK(find(run.result, "ND-SPICE-001") == nullptr);
    CHECK(run.result.measurements["targets"][0]["watched_ms"].get<long>() < 600);
}

TEST_CASE("spice probe: a 4 GiB length field is refused without allocating",
          "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::huge_length, test_key());
    const auto run = run_spice({server.target()}, 5s);
    const auto* f = find(run.result, "ND-SPICE-007");
    REQUIRE(f != nullptr);
    CHECK(f->detail ==
          "CHANNELS_LIST (type 104) declares a 4294967295-byte body; netdiag reads at most "
          "4194304");
    CHECK(f->evidence["stage"] == "channels_list");
    CHECK(run.wall < 2s);
}

TEST_CASE("spice probe: a server that stops mid-message", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::stop_mid_message, test_key());
    const auto run = run_spice({server.target()}, 5s);
    const auto* f = find(run.result, "ND-SPICE-005");
    REQUIRE(f != nullptr);
    INFO(f->detail);
    CHECK(f->severity == netdiag::Severity::error);
    CHECK(f->evidence["bytes_expected"] == 2000);
    CHECK(f->evidence["bytes_received"] == 10);
    CHECK(f->evidence["message_type"] == 104);
    CHECK(f->detail.find("connection closed after 10 of 2000 bytes") != std::string::npos);
    CHECK(run.wall < 2s);
}

TEST_CASE("spice probe: a server that never answers ends at the deadline",
          "[spice][mock][own-ports][exclusive]") {
    MockSpiceServer server(MockBehaviour::never_answer, test_key());
    const auto run = run_spice({server.target()}, 1500ms);
    const auto* f = find(run.result, "ND-SPICE-005");
    REQUIRE(f != nullptr);
    CHECK(f->title ==
          "SPICE server at " + server.target() + " went silent while waiting for the link reply");
    CHECK(f->evidence["bytes_received"] == 0);
    CHECK(run.wall >= 1400ms);
    CHECK(run.wall < 1800ms);
}

TEST_CASE("spice probe: a server trickling one byte a second cannot hold it past the deadline",
          "[spice][mock][own-ports][exclusive]") {
    MockSpiceServer server(MockBehaviour::trickle, test_key(), 1000ms);
    const auto run = run_spice({server.target()}, 3000ms);
    INFO(run.result.findings.size() << " finding(s)");
    const auto* f = find(run.result, "ND-SPICE-005");
    REQUIRE(f != nullptr);
    INFO(f->title << " / " << f->detail);
    // Every byte restarted no per-read timer: the probe's own deadline ended it.
    CHECK(run.wall >= 2900ms);
    CHECK(run.wall < 3300ms);
    CHECK(server.bytes_trickled >= 2);
    CHECK(f->evidence["bytes_received"] >= 2);
    CHECK(f->evidence["bytes_received"] <= server.bytes_trickled.load());
    // Called what it is: a peer still sending, too slowly, not one that went silent.
    CHECK(f->title == "SPICE server at " + server.target() +
                          " sent too slowly while waiting for the link reply");
    CHECK(f->evidence["last_byte_before_deadline_ms"] <= 1100);
}

TEST_CASE("spice probe: link refused names the server's error code", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::refuse_link, test_key(), 0ms, 5);
    const auto run = run_spice({server.target()}, 5s);
    const auto* f = find(run.result, "ND-SPICE-002");
    REQUIRE(f != nullptr);
    CHECK(f->title == "SPICE server at " + server.target() + " refused the link: NEED_SECURED (5)");
    CHECK(f->remedy.at(0).find("tls-port") != std::string::npos);
}

TEST_CASE("spice probe: version mismatch from the link reply", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::refuse_link, test_key(), 0ms, 4);
    const auto run = run_spice({server.target()}, 5s);
    CHECK(find(run.result, "ND-SPICE-003") != nullptr);
}

TEST_CASE("spice probe: a port that is not SPICE", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::wrong_magic, test_key());
    const auto run = run_spice({server.target()}, 5s);
    const auto* f = find(run.result, "ND-SPICE-007");
    REQUIRE(f != nullptr);
    CHECK(f->title == "The server at " + server.target() + " does not speak SPICE");
    CHECK(f->detail.find("\"HTTP/1.1 400 Bad") != std::string::npos);
}

TEST_CASE("spice probe: unknown channel types are reported as info", "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::unknown_channel_type, test_key());
    const auto run = run_spice({server.target()}, 5s, 200ms);
    const auto* f = find(run.result, "ND-SPICE-006");
    REQUIRE(f != nullptr);
    CHECK(f->severity == netdiag::Severity::info);
    CHECK(f->detail.find("(42, 0)") != std::string::npos);
}

TEST_CASE("spice probe: nothing listening gives the connect finding", "[spice][mock][own-ports]") {
    std::uint16_t port = 0;
    {
        MockSpiceServer closed(MockBehaviour::normal, test_key());
        port = closed.port();
    }  // the listener is gone: its port now refuses
    const auto run = run_spice({"127.0.0.1:" + std::to_string(port)}, 3s);
    const auto* f = find(run.result, "ND-SPICE-008");
    REQUIRE(f != nullptr);
    CHECK(f->evidence["errno_name"] == "ECONNREFUSED");
}

TEST_CASE("spice probe: several servers at once share the deadline",
          "[spice][mock][own-ports][exclusive]") {
    MockSpiceServer silent(MockBehaviour::never_answer, test_key());
    MockSpiceServer duplicate(MockBehaviour::duplicate_in_list, test_key());
    const auto run = run_spice({silent.target(), duplicate.target()}, 1500ms, 200ms);
    CHECK(find(run.result, "ND-SPICE-005") != nullptr);
    CHECK(find(run.result, "ND-SPICE-001") != nullptr);
    CHECK(run.wall < 1800ms);
}

TEST_CASE("spice probe: skipped without --spice, error on a bad target", "[spice]") {
    auto run = run_spice({}, 1s);
    CHECK(run.result.status == netdiag::ProbeStatus::skip);
    CHECK(run.result.reason.find("--spice") != std::string::npos);
    run = run_spice({"localhost"}, 1s);
    CHECK(run.result.status == netdiag::ProbeStatus::error);
    CHECK(run.result.reason.find("HOST:PORT") != std::string::npos);
}

TEST_CASE("spice probe: the binary reports the delayed PLAYBACK duplicate and exits 1",
          "[spice][mock][own-ports]") {
    MockSpiceServer server(MockBehaviour::duplicate_later, test_key(), 300ms);
    const auto run = netdiag::testing::run_netdiag(
        "probe spice --spice " + server.target() + " --spice-watch 1s", "NO_COLOR=1 ");
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK_THAT(run.out, Catch::Contains("ND-SPICE-001  SPICE server at " + server.target() +
                                        " lists PLAYBACK (5, 0) twice"));
    CHECK_THAT(run.out, Catch::Contains("Upgrade QEMU to 9.1.2 or later"));
    CHECK_THAT(run.out, Catch::Contains("PLAYBACK  5     0   2"));  // the table row
}
