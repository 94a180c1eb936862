#include <catch2/catch.hpp>

#include "core/redaction.hpp"

using namespace netdiag;

TEST_CASE("addresses and MACs get stable placeholders, loopback and groups stay") {
    Redactor r;
    r.add_host_name("build-box.example.org");
    CHECK(r.redact_text("bind 192.0.2.7:7446 failed") == "bind ip-1:7446 failed");
    CHECK(r.redact_text("again 192.0.2.7, then 198.51.100.3.") == "again ip-1, then ip-2.");
    CHECK(r.redact_text("lo 127.0.0.1 ::1 group 224.0.0.224 any 0.0.0.0") ==
          "lo 127.0.0.1 ::1 group 224.0.0.224 any 0.0.0.0");
    // Dashed (Windows) MACs are replaced in a first pass, so they number first.
    CHECK(r.redact_text("mac 00:e0:4c:68:00:01 / 00-E0-4C-68-00-02") == "mac mac-2 / mac-1");
    CHECK(r.redact_text("same 00:e0:4c:68:00:01") == "same mac-2");
    CHECK(r.redact_text("v6 fe80::fc:ff:fe00:1 and 2001:db8::5") == "v6 ip-3 and ip-4");
    CHECK(r.redact_text("host build-box.example.org aka build-box") == "host host-1 aka host-2");
    // Not addresses: versions, times, identifiers that merely contain hex.
    CHECK(r.redact_text("kernel 6.1.0-18-amd64 at 00:34:39, eth0 deadbeef 0x1a4") ==
          "kernel 6.1.0-18-amd64 at 00:34:39, eth0 deadbeef 0x1a4");
}

TEST_CASE("redacting a report reaches host facts, findings and measurements") {
    Report report;
    report.host = {{"facts", {{"hostname", "box"}}},
                   {"interfaces",
                    {{{"name", "eth0"},
                      {"hardware_address", "00:e0:4c:68:00:01"},
                      {"addresses", {{{"address", "192.0.2.7"}}}}}}}};
    ProbeResult p;
    p.probe = "multicast";
    p.reason = "join on 192.0.2.7 failed";
    Finding f;
    f.id = "ND-TEST-001";
    f.detail = "box: 192.0.2.7 on 00:e0:4c:68:00:01";
    f.evidence = {{"source", "192.0.2.7"}, {"nested", {{"peer", "198.51.100.9"}}}};
    f.remedy = {"ping 198.51.100.9"};
    p.findings = {f};
    p.measurements = {{"peers", {"198.51.100.9:7447"}}};
    report.probes = {p};

    redact(report);
    CHECK(report.redacted);
    CHECK(report.host["facts"]["hostname"] == "host-1");
    CHECK(report.host["interfaces"][0]["hardware_address"] == "mac-1");
    CHECK(report.host["interfaces"][0]["addresses"][0]["address"] == "ip-1");
    CHECK(report.host["interfaces"][0]["name"] == "eth0");
    const auto& rf = report.probes[0].findings[0];
    CHECK(rf.detail == "host-1: ip-1 on mac-1");
    CHECK(rf.evidence["source"] == "ip-1");
    CHECK(rf.evidence["nested"]["peer"] == "ip-2");
    CHECK(rf.remedy[0] == "ping ip-2");
    CHECK(report.probes[0].reason == "join on ip-1 failed");
    CHECK(report.probes[0].measurements["peers"][0] == "ip-2:7447");
    const auto dumped = to_json(report).dump();
    CHECK(dumped.find("192.0.2.7") == std::string::npos);
    CHECK(dumped.find("198.51.100.9") == std::string::npos);
}
