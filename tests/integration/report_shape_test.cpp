// Every probe, on inputs that give the same answer on every run (fixture trees, wasm fixtures,
// the mock SPICE servers, a network namespace of its own, the Windows build under Wine),
// reports the same fields and the same findings as recorded in tests/fixtures/report-shapes/.
// A change to netdiag's structure (how probes, options or the platform layer are put
// together) must leave these alone; a change that means to alter what a probe reports
// records the shapes again (NETDIAG_RECORD_REPORT_SHAPES=1) and the diff shows what changed.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report_shape.hpp"
#include "run_binary.hpp"
#include "spice/mock_spice_server.hpp"
#include "wine_run.hpp"

namespace {

namespace fs = std::filesystem;
using netdiag::testing::BinaryRun;

const std::string kShapeFixtures = NETDIAG_FIXTURES_DIR;

// Findings that follow a measurement rather than the input: which shared-accept worker the
// scheduler starves differs from run to run (ND-ACCEPT-002), and on a busy machine a batched
// send can come out slower than one send a datagram (ND-UDP-008) and the loopback receiver can
// fall behind and drop datagrams (ND-UDP-005). Only the fields around them are compared, and
// the status is the one the other findings earn.
const std::set<std::string> kMeasuredFindingIds = {"ND-ACCEPT-002", "ND-UDP-005", "ND-UDP-008"};

// The status a completed probe earns from findings written "ID severity …".
std::string status_from(const nlohmann::json& findings) {
    std::string status = "pass";
    for (const auto& line : findings) {
        std::istringstream words(line.get<std::string>());
        std::string id, severity;
        words >> id >> severity;
        if (severity == "error") return "fail";
        if (severity == "warning") status = "warn";
    }
    return status;
}

void drop_measured_findings(nlohmann::json& shape) {
    for (auto& [id, probe] : shape["probes"].items()) {
        auto& findings = probe["findings"];
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& line : findings) {
            const auto text = line.get<std::string>();
            if (kMeasuredFindingIds.count(text.substr(0, text.find(' '))) == 0)
                kept.push_back(line);
        }
        const bool dropped = kept.size() != findings.size();
        findings = kept;
        const auto status = probe.value("status", "");
        if (dropped && (status == "pass" || status == "warn" || status == "fail"))
            probe["status"] = status_from(findings);
    }
}

// Compares the shape of the report a run printed with the one recorded for `case_name`.
void check_shape(const std::string& case_name, const BinaryRun& run) {
    INFO("case " << case_name << "\nstderr: " << run.err);
    REQUIRE((run.code == 0 || run.code == 1));
    const auto report = nlohmann::json::parse(run.out, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    auto shape = netdiag::testing::report_shape(report);
    drop_measured_findings(shape);
    if (netdiag::testing::recording_shapes()) {
        netdiag::testing::record_shape(case_name, shape);
        return;
    }
    const auto recorded = netdiag::testing::recorded_shape(case_name);
    INFO("no shape is recorded for this case: record it with NETDIAG_RECORD_REPORT_SHAPES=1");
    REQUIRE_FALSE(recorded.is_null());
    INFO("changes from the recorded shape (JSON patch): "
         << nlohmann::json::diff(recorded, shape).dump(2));
    CHECK(shape == recorded);
}

std::vector<fs::path> wasm_fixtures() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(kShapeFixtures + "/wasm")) {
        if (entry.path().extension() == ".wasm") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::uint8_t> mock_server_key() {
    auto key =
        netdiag::test::MockSpiceServer::read_key(kShapeFixtures + "/spice/test_rsa1024_public.der");
    REQUIRE(key.size() == 162);
    return key;
}

struct MockCase {
    const char* name;
    netdiag::test::MockBehaviour behaviour;
};

// Each way the mock server behaves that ends in a finding or a pass, not in a timing bound.
const std::vector<MockCase> kMockCases = {
    {"normal", netdiag::test::MockBehaviour::normal},
    {"duplicate-in-list", netdiag::test::MockBehaviour::duplicate_in_list},
    {"duplicate-later", netdiag::test::MockBehaviour::duplicate_later},
    {"huge-length", netdiag::test::MockBehaviour::huge_length},
    {"stop-mid-message", netdiag::test::MockBehaviour::stop_mid_message},
    {"refuse-link", netdiag::test::MockBehaviour::refuse_link},
    {"wrong-magic", netdiag::test::MockBehaviour::wrong_magic},
    {"unknown-channel-type", netdiag::test::MockBehaviour::unknown_channel_type},
};

}  // namespace

TEST_CASE("report shapes: host on every fixture tree", "[shape][own-ports]") {
    for (const auto& tree : fs::directory_iterator(kShapeFixtures + "/sysroot")) {
        const auto name = tree.path().filename().string();
        check_shape("host-" + name, netdiag::testing::run_netdiag(
                                        "probe host --format json",
                                        "NETDIAG_SYSROOT='" + tree.path().string() + "' "));
    }
}

TEST_CASE("report shapes: wasi-af on every wasm fixture", "[shape][own-ports]") {
    for (const auto& file : wasm_fixtures()) {
        check_shape("wasi-af-" + file.stem().string(),
                    netdiag::testing::run_netdiag("probe wasi-af --format json --wasm '" +
                                                  file.string() + "'"));
    }
}

TEST_CASE("report shapes: multicast on the WSL fixture trees", "[shape]") {
    for (const char* tree : {"wsl1", "wsl2-nat", "wsl2-mirrored"}) {
        check_shape(std::string("multicast-") + tree,
                    netdiag::testing::run_netdiag(
                        "probe multicast --multicast-interface lo --zenoh-window 0s --format json",
                        "NETDIAG_SYSROOT='" + kShapeFixtures + "/sysroot/" + tree + "' "));
    }
}

TEST_CASE("report shapes: spice against each mock server", "[shape][own-ports]") {
    const auto key = mock_server_key();
    for (const auto& mock : kMockCases) {
        netdiag::test::MockSpiceServer server(mock.behaviour, key);
        check_shape(std::string("spice-") + mock.name,
                    netdiag::testing::run_netdiag("probe spice --spice " + server.target() +
                                                  " --spice-watch 600ms --format json"));
    }
}

// The probes that read the live host, in a namespace set up the same way every time: a veth
// with MTU 1500 carrying both default routes, nothing else listening, no Zenoh peer.
TEST_CASE("report shapes: the live-host probes in a namespace of their own", "[shape][netns]") {
    if (::geteuid() != 0) NETDIAG_SKIP("root", "needs root for a network namespace");
    if (::access("/usr/bin/unshare", X_OK) != 0)
        NETDIAG_SKIP("netns", "unshare is not installed (apt-get install util-linux)");
    // /sys is mounted again inside, as `ip netns exec` does, so it shows this namespace's links.
    const std::string setup =
        "mount -t sysfs sysfs /sys && ip link set lo up && "
        "ip link add nd-shape0 type veth peer name nd-shape1 && ip link set nd-shape1 up && "
        "ip link set nd-shape0 mtu 1500 up && ip addr add 10.77.0.1/24 dev nd-shape0 && "
        "ip route add default via 10.77.0.2 && "
        "ip -6 addr add fd77::1/64 dev nd-shape0 nodad && ip -6 route add default via fd77::2";
    // listeners runs on its own: beside shared-accept it would list that probe's listeners
    // whenever their windows overlap, which depends on how busy the machine is.
    const auto in_namespace = [&](const std::string& probes) {
        return netdiag::testing::run_capturing("timeout 120 /usr/bin/unshare -n -m sh -c '" +
                                               setup + " && exec \"" NETDIAG_BINARY "\" probe " +
                                               probes + " --format json'");
    };
    check_shape("live-host-probes-netns", in_namespace("udp-batch shared-accept multicast"));
    check_shape("listeners-netns", in_namespace("listeners"));
}

TEST_CASE("report shapes: the Windows build under Wine", "[shape][wine][own-ports]") {
    if (const auto why = netdiag::testing::wine_unavailable(); !why.empty())
        NETDIAG_SKIP("wine", why);
    const auto key = mock_server_key();
    for (const auto& mock : kMockCases) {
        netdiag::test::MockSpiceServer server(mock.behaviour, key);
        check_shape(std::string("windows-spice-") + mock.name,
                    netdiag::testing::run_under_wine("src/cli/netdiag.exe",
                                                     "probe spice --spice " + server.target() +
                                                         " --spice-watch 600ms --format json"));
    }
    for (const char* fixture : {"family_mismatch", "case_correct", "runtime_sockaddr"}) {
        check_shape(std::string("windows-wasi-af-") + fixture,
                    netdiag::testing::run_under_wine(
                        "src/cli/netdiag.exe", "probe wasi-af --format json --wasm 'Z:" +
                                                   kShapeFixtures + "/wasm/" + fixture + ".wasm'"));
    }
}
