// The wasi-af lint on the fixture modules (tests/fixtures/wasm/*.wat, built by build.sh): each
// case is flagged with its function and offset, the correct variants are clean.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "probes/wasi_af/abstract_state.hpp"
#include "probes/wasi_af/lint.hpp"
#include "probes/wasi_af/lint_checks.hpp"

using namespace netdiag;

namespace {

struct Linted {
    std::vector<std::uint8_t> bytes;  // the module's spans point here
    probes::wasi_af::LintResult result;
};

Linted lint_fixture(const std::string& name) {
    Linted out;
    std::ifstream f(std::string(NETDIAG_FIXTURES_DIR) + "/wasm/" + name, std::ios::binary);
    REQUIRE(f.good());
    out.bytes.assign(std::istreambuf_iterator<char>(f), {});
    const auto parsed = proto::wasm::read_module(out.bytes);
    REQUIRE(parsed.ok());
    out.result = probes::wasi_af::lint_module(parsed.value());
    return out;
}

std::vector<std::string> ids(const probes::wasi_af::LintResult& r) {
    std::vector<std::string> out;
    for (const auto& f : r.findings) out.push_back(f.id);
    std::sort(out.begin(), out.end());
    return out;
}

const Finding& only(const probes::wasi_af::LintResult& r, const std::string& id) {
    const auto n = std::count_if(r.findings.begin(), r.findings.end(),
                                 [&](const Finding& f) { return f.id == id; });
    REQUIRE(n == 1);
    return *std::find_if(r.findings.begin(), r.findings.end(),
                         [&](const Finding& f) { return f.id == id; });
}

}  // namespace

TEST_CASE("The case written correctly for WASIX is clean", "[wasi-af]") {
    const auto l = lint_fixture("case_correct.wasm");
    CHECK(l.result.findings.empty());
    CHECK(l.result.socket_imports == 4);
    CHECK(l.result.socket_calls == 4);
    CHECK(l.result.not_analysed.empty());
}

TEST_CASE("The case's bytes as written get the byte-order warning with both ports", "[wasi-af]") {
    const auto l = lint_fixture("case_port_network_order.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-005"});
    const Finding& f = only(l.result, "ND-WASM-005");
    CHECK(f.severity == Severity::warning);
    CHECK(f.evidence["function"] == "serve");
    CHECK(f.evidence["offset"] == "0xa1");  // wasm-objdump -d: "0000a1: 10 01 | call 1"
    CHECK(f.evidence["call"] == "sock_bind");
    CHECK(f.evidence["port_as_read"] == 36895);
    CHECK(f.evidence["port_intended"] == 8080);
    CHECK_THAT(f.remedy[0], Catch::Contains("\\90\\1f"));
}

TEST_CASE("Family 2 with an IPv4 sockaddr is flagged at the sock_open", "[wasi-af]") {
    const auto l = lint_fixture("family2_ipv4.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-001"});
    const Finding& f = only(l.result, "ND-WASM-001");
    CHECK(f.severity == Severity::error);
    CHECK(f.evidence["function"] == "serve");
    CHECK(f.evidence["offset"] == "0x93");
    CHECK(f.evidence["arguments"][0] == 2);
    CHECK(f.evidence["address_bytes"] == "02 00 90 1f 7f 00 00 01");
    CHECK_THAT(f.detail, Catch::Contains("only 4 address bytes (127.0.0.1)"));
}

TEST_CASE("A family-1 sockaddr on a family-2 socket: both findings", "[wasi-af]") {
    const auto l = lint_fixture("family_mismatch.wasm");
    CHECK(ids(l.result) == std::vector<std::string>{"ND-WASM-001", "ND-WASM-004"});
    const Finding& f = only(l.result, "ND-WASM-004");
    CHECK(f.evidence["function"] == "open_and_bind");
    CHECK(f.evidence["address_family_tag"] == 1);
    CHECK(f.evidence["socket_family"] == 2);
}

TEST_CASE("Listen without bind is flagged once, with function and offset", "[wasi-af]") {
    const auto l = lint_fixture("listen_without_bind.wasm");
    // The accept after the listen shares the cause: one finding.
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-006"});
    const Finding& f = only(l.result, "ND-WASM-006");
    CHECK(f.evidence["function"] == "listener");
    CHECK(f.evidence["call"] == "sock_listen");
    CHECK(f.evidence["offset"] == "0xa6");
    CHECK(f.evidence["sock_open_offset"] == "0x98");
}

TEST_CASE("Connect after listen is flagged", "[wasi-af]") {
    const auto l = lint_fixture("connect_after_listen.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-007"});
    CHECK(only(l.result, "ND-WASM-007").evidence["call"] == "sock_connect");
}

TEST_CASE("Socket constants outside the WASIX enums", "[wasi-af]") {
    const auto l = lint_fixture("bad_socket_constants.wasm");
    CHECK(ids(l.result) ==
          std::vector<std::string>{"ND-WASM-002", "ND-WASM-003", "ND-WASM-003", "ND-WASM-008"});
    const Finding& af = only(l.result, "ND-WASM-002");
    CHECK(af.evidence["function"] == "posix_inet6");
    CHECK_THAT(af.detail, Catch::Contains("AF_INET6 on Linux"));
    bool saw_nonblock = false;
    for (const auto& f : l.result.findings) {
        if (f.evidence["function"] == "nonblock") {
            saw_nonblock = true;
            CHECK_THAT(f.detail, Catch::Contains("SOCK_NONBLOCK"));
        }
    }
    CHECK(saw_nonblock);
}

TEST_CASE("Sockaddrs built by stores and locals are followed", "[wasi-af]") {
    const auto l = lint_fixture("runtime_sockaddr.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-005"});
    const Finding& f = only(l.result, "ND-WASM-005");
    CHECK(f.evidence["function"] == "swapped");  // "good" stores 8080 natively: clean
    CHECK(f.evidence["address_memory"] == "0x200");
    CHECK(f.evidence["port_as_read"] == 36895);
}

TEST_CASE("Branches, unknown fds and fds handed to helpers give no false alarm", "[wasi-af]") {
    const auto l = lint_fixture("control_flow.wasm");
    CHECK(l.result.findings.empty());
    CHECK(l.result.socket_functions == 5);
    CHECK(l.result.not_analysed.empty());
}

TEST_CASE("Datagram send_to with a big-endian port", "[wasi-af]") {
    const auto l = lint_fixture("udp_send_to.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-005"});
    CHECK(only(l.result, "ND-WASM-005").evidence["port_intended"] == 53);
}

TEST_CASE("sock_open imported from WASI preview 1 cannot link", "[wasi-af]") {
    const auto l = lint_fixture("preview1_sock_open.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-009"});
    CHECK(only(l.result, "ND-WASM-009").evidence["import_field"] == "sock_open");
}

TEST_CASE("A module without sockets has nothing to lint", "[wasi-af]") {
    const auto l = lint_fixture("no_sockets.wasm");
    CHECK(l.result.findings.empty());
    CHECK(l.result.socket_imports == 0);
    CHECK(l.result.functions == 1);
}

TEST_CASE("A body the decoder refuses is reported with its function", "[wasi-af]") {
    const auto l = lint_fixture("malformed/deep_nesting.wasm");
    REQUIRE(l.result.findings.size() == 1);
    const Finding& f = l.result.findings[0];
    CHECK(f.id == "ND-WASM-010");
    CHECK(f.severity == Severity::warning);  // a limit, not malformed input
    CHECK_THAT(f.detail, Catch::StartsWith("section 10 (code) body 0 (func[0]): blocks nested"));
}

TEST_CASE("Port byte-order judgement", "[wasi-af]") {
    using probes::wasi_af::port_looks_byte_swapped;
    CHECK(port_looks_byte_swapped(36895, 8080));
    CHECK(port_looks_byte_swapped(20480, 80));
    CHECK(port_looks_byte_swapped(0x2823, 9000));  // round number from 1000 up
    CHECK_FALSE(port_looks_byte_swapped(8080, 36895));
    CHECK_FALSE(port_looks_byte_swapped(1024, 4));  // 4 is no port anyone means
    CHECK_FALSE(port_looks_byte_swapped(0x1111, 0x1111));
    CHECK_FALSE(port_looks_byte_swapped(443, 47873));
}

TEST_CASE("Abstract memory: byte-wise stores, partial overlaps, joins keep agreement",
          "[wasi-af]") {
    using probes::wasi_af::AbsVal;
    using probes::wasi_af::mem_key;
    const auto at = [](std::int64_t a) { return mem_key(probes::wasi_af::kBaseAbsolute, a); };
    probes::wasi_af::State a;
    a.store(at(100), 2, AbsVal::constant(0x1234));
    CHECK(a.stored_byte(at(100)) == 0x34);
    CHECK(a.stored_byte(at(101)) == 0x12);
    CHECK_FALSE(a.stored_byte(at(102)).has_value());
    a.store(at(101), 1, AbsVal::unknown());  // overlaps: only byte 101 becomes unknown
    CHECK(a.stored_byte(at(100)) == 0x34);
    CHECK(a.stored_byte(at(101)) == -1);
    probes::wasi_af::State b = a;
    a.locals = {AbsVal::constant(1), AbsVal::constant(2)};
    b.locals = {AbsVal::constant(1), AbsVal::constant(3)};
    b.store(at(200), 4, AbsVal::constant(7));
    a.join(b);
    CHECK(a.locals[0] == AbsVal::constant(1));
    CHECK(a.locals[1].is_unknown());
    const proto::wasm::Module empty;
    const probes::wasi_af::DataImage data(empty);
    CHECK(a.load(at(200), 4, data).is_unknown());
}

TEST_CASE("Abstract memory: a wide zero store then field stores read back per field", "[wasi-af]") {
    using probes::wasi_af::AbsVal;
    const std::uint32_t sp = probes::wasi_af::kBaseGlobalTag | 0;
    const auto at = [sp](std::int64_t off) { return probes::wasi_af::mem_key(sp, off); };
    const proto::wasm::Module empty;
    const probes::wasi_af::DataImage data(empty);
    probes::wasi_af::State s;
    s.store(at(-24), 8, AbsVal::constant(0));  // i64.store 0 over family, pad, port, address
    s.store(at(-24), 1, AbsVal::constant(1));  // family tag
    s.store(at(-22), 2, AbsVal::constant(8080));
    CHECK(s.load(at(-24), 1, data) == AbsVal::constant(1));
    CHECK(s.load(at(-22), 2, data) == AbsVal::constant(8080));
    CHECK(s.load(at(-24), 4, data) == AbsVal::constant(0x1f900001));
    CHECK(s.load(at(-20), 4, data) == AbsVal::constant(0));
    // A value stored whole loads back whole at the same width, and only there.
    s.store(at(-8), 4, AbsVal::fd(3));
    CHECK(s.load(at(-8), 4, data) == AbsVal::fd(3));
    CHECK(s.load(at(-8), 2, data).is_unknown());
    // Other bases never alias the stack frame.
    CHECK_FALSE(
        s.stored_byte(probes::wasi_af::mem_key(probes::wasi_af::kBaseAbsolute, -24)).has_value());
}

TEST_CASE("The walk stops cleanly at an instruction it does not model", "[wasi-af]") {
    const auto l = lint_fixture("unmodelled_simd.wasm");
    // The call before the SIMD instruction is judged, the one after it is not.
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-002"});
    CHECK(only(l.result, "ND-WASM-002").evidence["family"] == 10);
    REQUIRE(l.result.not_analysed.size() == 1);
    CHECK_THAT(l.result.not_analysed[0],
               Catch::Contains("mixed (function 1): stopped: instruction 0xfd00000c is not "
                               "modelled at offset"));
}

TEST_CASE("Calls whose values are unknown are not judged, and the report says why",
          "[wasi-af][unit]") {
    const auto l = lint_fixture("unjudged_calls.wasm");
    CHECK(l.result.findings.empty());  // no finding from an unknown value
    const auto& calls = l.result.coverage.calls();
    REQUIRE(calls.size() == 2);
    CHECK(l.result.coverage.judged() == 0);
    CHECK(calls[0].field == "sock_open");
    CHECK(calls[0].family == "unknown: value comes from an imported function");
    CHECK(calls[0].type == "judged");
    CHECK(calls[1].field == "sock_bind");
    CHECK(calls[1].address == "unknown: address comes from an indirect call");
    CHECK(calls[1].socket == "judged");
    const auto parsed = proto::wasm::read_module(l.bytes);
    REQUIRE(parsed.ok());
    const Finding f = probes::wasi_af::not_judged_finding(parsed.value(), l.result.coverage);
    CHECK(f.id == "ND-WASM-013");
    CHECK(f.severity == Severity::info);
    CHECK(f.title == "2 of 2 socket calls could not be judged");
    CHECK_THAT(f.detail, Catch::Contains("sock_bind in serve (function 4) at offset") &&
                             Catch::Contains("address comes from an indirect call"));
    CHECK(f.evidence["not_judged"] == 2);
}

TEST_CASE("A correct module has every socket call judged", "[wasi-af][unit]") {
    const auto l = lint_fixture("case_correct.wasm");
    CHECK(l.result.socket_calls == 4);
    CHECK(l.result.coverage.judged() == 4);
    CHECK(l.result.coverage.not_judged() == 0);
}

TEST_CASE("Callers that hand a function nothing share one walk and keep the findings",
          "[wasi-af][unit]") {
    const auto l = lint_fixture("shared_callers.wasm");
    REQUIRE(ids(l.result) == std::vector<std::string>{"ND-WASM-006"});
    const Finding& f = only(l.result, "ND-WASM-006");
    CHECK(f.evidence["function"] == "listener");
    // The first walk that reached the call stands for the others: its chain is the one shown.
    CHECK(f.evidence["called_from"] == nlohmann::json::array({"counts_first"}));
    // dead_call (its call is dead code, so it cannot stand for others), counts_first and
    // stores_first (a store before the call) are walked; only_calls and reads_first are not.
    CHECK(l.result.walks == 3);
    CHECK(l.result.walks_shared == 2);
    CHECK(l.result.coverage.judged() == 2);
    CHECK(l.result.not_analysed.empty());
}
