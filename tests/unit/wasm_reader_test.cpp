// The WebAssembly reader: LEB128 bounds, section structure, precise errors on malformed input.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "proto/wasm/instructions.hpp"
#include "proto/wasm/module.hpp"

using namespace netdiag::proto::wasm;

namespace {

std::vector<std::uint8_t> read_fixture(const std::string& name) {
    std::ifstream f(std::string(NETDIAG_FIXTURES_DIR) + "/wasm/" + name, std::ios::binary);
    REQUIRE(f.good());
    return {std::istreambuf_iterator<char>(f), {}};
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
    const auto r = read_module(bytes);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

std::vector<std::uint8_t> module_with(const std::vector<std::uint8_t>& sections) {
    // Built by appending rather than vector::insert: GCC 12's -Wstringop-overread misjudges the
    // inlined insert of an empty range at -O2.
    std::vector<std::uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    m.reserve(m.size() + sections.size());
    for (const auto byte : sections) m.push_back(byte);
    return m;
}

}  // namespace

TEST_CASE("LEB128 reads values and refuses overflow and truncation", "[wasm]") {
    auto u32 = [](std::vector<std::uint8_t> b) { return ByteReader(b).u32(); };
    CHECK(u32({0x00}) == 0);
    CHECK(u32({0x7f}) == 127);
    CHECK(u32({0x80, 0x01}) == 128);
    CHECK(u32({0xe5, 0x8e, 0x26}) == 624485);
    CHECK(u32({0xff, 0xff, 0xff, 0xff, 0x0f}) == 0xffffffffu);
    // A fifth byte with bits past 32, or a sixth byte, overflows.
    CHECK_THROWS_WITH(u32({0xff, 0xff, 0xff, 0xff, 0x1f}),
                      Catch::Contains("LEB128 u32 overflows at offset 0x0"));
    CHECK_THROWS_WITH(u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), Catch::Contains("overflows"));
    CHECK_THROWS_WITH(u32({0x80, 0x80}), Catch::Contains("truncated at offset 0x2"));

    auto s32 = [](std::vector<std::uint8_t> b) { return ByteReader(b).sleb(32); };
    CHECK(s32({0x7f}) == -1);
    CHECK(s32({0x80, 0x7f}) == -128);
    CHECK(s32({0xff, 0xff, 0xff, 0xff, 0x07}) == 0x7fffffff);
    CHECK(s32({0x80, 0x80, 0x80, 0x80, 0x78}) == -0x80000000LL);
    CHECK_THROWS_WITH(s32({0xff, 0xff, 0xff, 0xff, 0x0f}), Catch::Contains("overflows"));
    auto s64 = [](std::vector<std::uint8_t> b) { return ByteReader(b).sleb(64); };
    CHECK(s64({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}) == INT64_MAX);
    CHECK_THROWS_WITH(s64({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}),
                      Catch::Contains("overflows"));
}

TEST_CASE("A length is checked against what remains before anything is allocated", "[wasm]") {
    std::vector<std::uint8_t> b = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
    ByteReader r(b, 0x100);
    CHECK_THROWS_WITH(r.count("type"),
                      "type count 4294967295 at offset 0x100 cannot fit in the 1 bytes that "
                      "remain");
    ByteReader r2(b, 0x100);
    (void)r2.u32();
    CHECK_THROWS_WITH(r2.bytes(2, "name"), Catch::Contains("name of 2 bytes at offset 0x105"));
}

TEST_CASE("The case's module is read: imports, names, data segments", "[wasm]") {
    const auto bytes = read_fixture("case_correct.wasm");
    const auto r = read_module(bytes);
    REQUIRE(r.ok());
    const Module& m = r.value();
    REQUIRE(m.imported_functions == 4);
    CHECK(m.imports[0].module == "wasix_32v1");
    CHECK(m.imports[0].field == "sock_open");
    CHECK(m.function_type(0)->params.size() == 4);
    CHECK(m.function_display_name(4) == "serve");
    CHECK(m.function_display_name(0) == "sock_open");
    REQUIRE(m.data.size() == 1);
    CHECK(m.data[0].address == 16u);
    CHECK(m.data[0].bytes.size() == 8);
    CHECK(m.data[0].bytes[2] == 0x90);
    REQUIRE(m.bodies.size() == 1);
    DecodedBody d;
    decode_body(m, m.bodies[0], d);
    // Every call instruction names a function in range; the loop links to its end.
    int calls = 0;
    for (const Instr& in : d.instrs) {
        if (in.op == op::call) ++calls;
        if (in.op == op::loop) CHECK(d.instrs.at(in.match).op == op::end);
    }
    CHECK(calls == 4);
}

TEST_CASE("Every malformed fixture gives a precise error", "[wasm]") {
    struct Case {
        const char* file;
        const char* message;
    };
    const Case cases[] = {
        {"empty.wasm", "header: empty file (0 bytes)"},
        {"wrong_magic.wasm", "byte 0x78 at offset 0x3 differs from the magic"},
        {"text_file.wasm", "it looks like WebAssembly text"},
        {"bad_version.wasm", "version 2 at offset 0x4, expected 1"},
        {"component.wasm", "this is a component"},
        {"header_only_truncated.wasm", "truncated at offset 0x4"},
        {"truncated.wasm",
         "section 10 (code): section body of 55 bytes at offset 0xa2 runs past "
         "the end (50 bytes remain)"},
        {"oversized_length.wasm", "section 10 (code): section body of 4294967295 bytes"},
        {"zero_length_section.wasm", "section 1 (type): truncated at offset 0xa"},
        {"count_too_large.wasm", "type count 4294967295 at offset 0xa cannot fit"},
        {"leb_overflow.wasm", "LEB128 u32 overflows at offset 0x9"},
        {"duplicate_section.wasm", "section 1 (type): appears twice"},
        {"out_of_order.wasm", "section 3 (function): out of order at offset 0xb"},
        {"random_bytes.wasm", "not a WebAssembly binary"},
        {"random_after_header.wasm", "unknown section id 225 at offset 0x8"},
    };
    for (const Case& c : cases) {
        INFO(c.file);
        CHECK_THAT(error_of(read_fixture(std::string("malformed/") + c.file)),
                   Catch::Contains(c.message));
    }
}

TEST_CASE("Function bodies: nesting limit, bad calls, unbalanced blocks", "[wasm]") {
    SECTION("deep nesting stops at the limit with the offset") {
        const auto bytes = read_fixture("malformed/deep_nesting.wasm");
        const auto r = read_module(bytes);
        REQUIRE(r.ok());
        DecodedBody d;
        try {
            decode_body(r.value(), r.value().bodies[0], d);
            FAIL("no error");
        } catch (const DecodeFailure& e) {
            CHECK(e.kind() == DecodeErrorKind::limit);
            CHECK_THAT(e.what(), Catch::Contains("nested deeper than 65536"));
        }
    }
    SECTION("5,000 nested blocks, as a compiler makes for a large switch, are read") {
        // LLVM built for WebAssembly has a function 4,248 blocks deep (br_table, a block a case).
        constexpr std::size_t kDepth = 5000;
        // A size below 2^21 as three LEB128 bytes.
        const auto append_size = [](std::vector<std::uint8_t>& out, std::size_t n) {
            out.push_back(static_cast<std::uint8_t>(0x80 | (n & 0x7f)));
            out.push_back(static_cast<std::uint8_t>(0x80 | ((n >> 7) & 0x7f)));
            out.push_back(static_cast<std::uint8_t>(n >> 14));
        };
        std::vector<std::uint8_t> body = {0x00};  // no locals
        for (std::size_t i = 0; i < kDepth; ++i) body.insert(body.end(), {0x02, 0x40});
        body.insert(body.end(), kDepth + 1, 0x0b);
        std::vector<std::uint8_t> code = {0x01};  // one body
        append_size(code, body.size());
        code.insert(code.end(), body.begin(), body.end());
        // type () -> (), one function of it, then the code section.
        std::vector<std::uint8_t> sections = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
                                              0x03, 0x02, 0x01, 0x00, 0x0a};
        append_size(sections, code.size());
        sections.insert(sections.end(), code.begin(), code.end());
        const auto bytes = module_with(sections);
        const auto r = read_module(bytes);
        REQUIRE(r.ok());
        DecodedBody d;
        decode_body(r.value(), r.value().bodies[0], d);
        CHECK(d.instrs.size() == 2 * 5000 + 1);
        CHECK(d.instrs.front().match == 2 * 5000 - 1);  // the outermost block ends last but one
    }
    SECTION("call to a function out of range") {
        const auto bytes = read_fixture("malformed/call_out_of_range.wasm");
        const auto r = read_module(bytes);
        REQUIRE(r.ok());
        DecodedBody d;
        CHECK_THROWS_WITH(decode_body(r.value(), r.value().bodies[0], d),
                          "function index 5 at offset 0x18 is out of range (1 functions)");
    }
    SECTION("a block left open, an else without if, an unknown opcode") {
        // type () -> (); one function; body: 0 locals, <code>
        auto with_body = [](std::vector<std::uint8_t> code) {
            std::vector<std::uint8_t> body = {0x00};
            body.insert(body.end(), code.begin(), code.end());
            std::vector<std::uint8_t> sec = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
                                             0x03, 0x02, 0x01, 0x00, 0x0a};
            sec.push_back(static_cast<std::uint8_t>(body.size() + 2));
            sec.push_back(0x01);
            sec.push_back(static_cast<std::uint8_t>(body.size()));
            sec.insert(sec.end(), body.begin(), body.end());
            return module_with(sec);
        };
        const auto open = with_body({0x02, 0x40, 0x0b});  // block ... end, function end missing
        auto r = read_module(open);
        REQUIRE(r.ok());  // the body ends in 0x0b, so the structure reads
        DecodedBody d;
        CHECK_THROWS_WITH(decode_body(r.value(), r.value().bodies[0], d),
                          Catch::Contains("1 block(s) not closed"));
        const auto stray_else = with_body({0x05, 0x0b});
        r = read_module(stray_else);
        REQUIRE(r.ok());
        CHECK_THROWS_WITH(decode_body(r.value(), r.value().bodies[0], d),
                          Catch::Contains("`else` without `if`"));
        const auto unknown = with_body({0xc5, 0x0b});
        r = read_module(unknown);
        REQUIRE(r.ok());
        CHECK_THROWS_WITH(decode_body(r.value(), r.value().bodies[0], d),
                          Catch::Contains("unknown opcode 0xc5 at offset 0x17"));
    }
}

TEST_CASE("A malformed name section is noted, not fatal", "[wasm]") {
    // custom section "name", subsection 1 claiming 5 names in 1 byte
    const auto bytes = module_with({0x00, 0x08, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x01, 0x05});
    const auto r = read_module(bytes);
    REQUIRE(r.ok());
    REQUIRE(r.value().name_section_error);
    CHECK_THAT(*r.value().name_section_error, Catch::Contains("subsection 1"));
}
