// The real binary, as a user or a CI job runs it.
#include <catch2/catch.hpp>

#include <chrono>

#include <asio.hpp>
#include <nlohmann/json.hpp>

#include "accept_process_helpers.hpp"
#include "run_binary.hpp"

using netdiag::testing::run_netdiag;

namespace {
const std::string kFixtures = NETDIAG_FIXTURES_DIR;
}

TEST_CASE("probe --all --format json prints one valid report") {
    const auto run = run_netdiag("probe --all --multicast-interface lo --format json");
    INFO(run.err);
    REQUIRE((run.code == 0 || run.code == 1));
    const auto report = nlohmann::json::parse(run.out);
    CHECK(report["schema"] == "netdiag.report/1");
    CHECK(report["tool"]["name"] == "netdiag");
    CHECK(report["host"]["facts"]["os"] == "linux");
    CHECK_FALSE(report["host"]["interfaces"].empty());
    bool has_host = false;
    for (const auto& p : report["probes"]) has_host = has_host || p["id"] == "host";
    CHECK(has_host);
}

TEST_CASE("text report on a pipe has no colour codes, NO_COLOR is honoured") {
    const auto run = run_netdiag("probe host", "NO_COLOR=1 ");
    CHECK(run.out.find("\x1b[") == std::string::npos);
    CHECK(run.out.find("Probes") != std::string::npos);
    CHECK(run.out.find("Summary:") != std::string::npos);
    // No progress lines on a non-terminal stderr.
    CHECK(run.err.empty());
}

TEST_CASE("a USB dock fixture gives ND-HOST-001 and exit 1 at --fail-on warning") {
    const std::string env = "NETDIAG_SYSROOT=\"" + kFixtures + "/sysroot/usb-dock\" ";
    const auto json = run_netdiag("probe host --format json", env);
    const auto report = nlohmann::json::parse(json.out);
    REQUIRE(report["probes"][0]["findings"].size() == 1);
    CHECK(report["probes"][0]["findings"][0]["id"] == "ND-HOST-001");
    CHECK(report["probes"][0]["status"] == "warn");
    CHECK(json.code == 0);  // default --fail-on error: a warning does not fail the run

    CHECK(run_netdiag("probe host -q --fail-on warning", env).code == 1);
    CHECK(run_netdiag("probe host -q --fail-on error", env).code == 0);

    const auto text = run_netdiag("probe host", env);
    CHECK(text.out.find("ND-HOST-001") != std::string::npos);
    CHECK(text.out.find("what to do:") != std::string::npos);
    CHECK(text.out.find("r8152") != std::string::npos);
}

TEST_CASE("--redact removes MACs from the report, text and JSON") {
    const std::string env = "NETDIAG_SYSROOT=\"" + kFixtures + "/sysroot/usb-dock\" ";
    const auto json = run_netdiag("probe host --format json --redact", env);
    CHECK(json.out.find("00:e0:4c:68:00:01") == std::string::npos);
    CHECK(json.out.find("fixture-host") == std::string::npos);
    CHECK(json.out.find("mac-1") != std::string::npos);
    const auto text = run_netdiag("probe host --redact", env);
    CHECK(text.out.find("00:e0:4c:68:00:01") == std::string::npos);
    CHECK(text.out.find("fixture-host") == std::string::npos);
}

TEST_CASE("SIGINT while udp-batch waits on a silent netdiag peer ends the wait at once",
          "[loopback][own-ports]") {
    // A listening socket that never accepts: the connection completes in the kernel's backlog,
    // the hello is sent, and the answer never comes; only the 20 s deadline or the interrupt
    // can end the wait.
    asio::io_context io;
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = silent.local_endpoint().port();
    const std::string command = "timeout --preserve-status -s INT 0.5 \"" NETDIAG_BINARY
                                "\" probe udp-batch --peer 127.0.0.1:" +
                                std::to_string(port) + " --timeout 20s --format json";
    const auto start = std::chrono::steady_clock::now();
    const auto run = netdiag::testing::run_capturing(command);
    const auto took = std::chrono::steady_clock::now() - start;
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.code == 130);
    CHECK(took < std::chrono::milliseconds(1500));
    const auto report = nlohmann::json::parse(run.out, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    const auto& probe = report["probes"][0];
    // The probe noticed the interrupt itself; it was not abandoned at the runner's grace.
    CHECK(probe["status"] == "skip");
    CHECK(probe["reason"].get<std::string>().find("interrupted while connecting to netdiag peer") !=
          std::string::npos);
}

TEST_CASE("SIGINT during a run still writes the report, marked interrupted, exit 130",
          "[exclusive]") {
    // A silent TCP peer keeps the spice probe waiting for the server's link reply, so the run
    // is still busy when the signal arrives, whatever the other probes take on this host.
    asio::io_context io;
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = silent.local_endpoint().port();

    const auto dir = std::filesystem::temp_directory_path() / "netdiag-sigint";
    std::filesystem::create_directories(dir);
    const auto report_path = (dir / "r.json").string();
    const std::string command = "timeout --preserve-status -s INT 0.5 \"" NETDIAG_BINARY
                                "\" probe --all --multicast-interface lo --spice 127.0.0.1:" +
                                std::to_string(port) + " --timeout 20s -q --format json -o \"" +
                                report_path + "\"";
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    const auto took = std::chrono::steady_clock::now() - start;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    CHECK(code == 130);
    // Stopped within a second of the signal.
    CHECK(took < std::chrono::milliseconds(1500));
    REQUIRE(std::filesystem::exists(report_path));
    const auto report = nlohmann::json::parse(netdiag::testing::slurp(report_path));
    CHECK(report["interrupted"] == true);
    CHECK_FALSE(report["probes"].empty());
    // Every probe that was running saw the interrupt and returned what it had: none had to be
    // abandoned (that would lose its partial results). Not judged in sanitizer builds: there
    // shared-accept's four instrumented worker processes take longer to stop than the grace
    // period, which says nothing about the probe; the native build checks it.
#ifndef NETDIAG_SANITIZED
    for (const auto& probe : report["probes"]) {
        INFO(probe["id"] << ": " << probe.value("reason", ""));
        CHECK(probe.value("reason", "").find("interrupted before the probe finished") ==
              std::string::npos);
    }
#endif
    std::filesystem::remove_all(dir);
}

TEST_CASE("SIGTERM during shared-accept stops within a second, reaps every worker, exit 130",
          "[shared-accept][exclusive]") {
    // This test becomes the subreaper first: a worker netdiag failed to reap would be
    // re-parented here and counted.
    REQUIRE(netdiag::testing::processes_with({"accept-worker"}).empty());
    const auto dir = std::filesystem::temp_directory_path() / "netdiag-sigterm";
    std::filesystem::create_directories(dir);
    const auto report_path = (dir / "r.json").string();
    // 100000 connections per pattern keep the workers busy when the signal comes.
    const std::string command = "timeout --preserve-status -s TERM 0.7 \"" NETDIAG_BINARY
                                "\" probe shared-accept --accept-connections 100000 "
                                "--timeout 30s -q --format json -o \"" +
                                report_path + "\"";
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK((WIFEXITED(status) ? WEXITSTATUS(status) : -1) == 130);
    CHECK(took < std::chrono::milliseconds(1700));
    // netdiag reaped its workers before it exited: none is left, not even as a zombie.
    CHECK(netdiag::testing::processes_with({"accept-worker"}).empty());
    REQUIRE(std::filesystem::exists(report_path));
    const auto report = nlohmann::json::parse(netdiag::testing::slurp(report_path));
    CHECK(report["interrupted"] == true);
    REQUIRE(report["probes"].size() == 1);
    CHECK(report["probes"][0]["id"] == "shared-accept");
    std::filesystem::remove_all(dir);
}
