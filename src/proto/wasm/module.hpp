// What netdiag reads from a WebAssembly core module. Byte spans point into the caller's buffer
// (the buffer must outlive the Module); offsets are file offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proto/wasm/byte_reader.hpp"

namespace netdiag::proto::wasm {

enum class ValType : std::uint8_t {
    i32 = 0x7f,
    i64 = 0x7e,
    f32 = 0x7d,
    f64 = 0x7c,
    v128 = 0x7b,
    funcref = 0x70,
    externref = 0x6f,
    exnref = 0x69,
};

struct FuncType {
    std::vector<ValType> params;
    std::vector<ValType> results;
};

enum class ExternalKind : std::uint8_t { function = 0, table = 1, memory = 2, global = 3, tag = 4 };

struct Import {
    std::string module;
    std::string field;
    ExternalKind kind = ExternalKind::function;
    std::uint32_t type_index = 0;  // for functions and tags
    std::size_t offset = 0;        // file offset of the import entry
};

struct Export {
    std::string name;
    ExternalKind kind = ExternalKind::function;
    std::uint32_t index = 0;
};

struct FunctionBody {
    std::size_t offset = 0;       // file offset of the body's size field
    std::size_t code_offset = 0;  // file offset of the first instruction
    // Declared locals, parameters excluded. Their types are checked when read but not kept: the
    // lint models every local alike, and a vector per body was 100,000 allocations.
    std::uint64_t local_count = 0;
    std::span<const std::uint8_t> code;  // instructions, ending with `end`
};

struct DataSegment {
    std::size_t offset = 0;  // file offset of the segment's first data byte
    bool active = false;
    std::uint32_t memory = 0;
    // Where an active segment lands, when its offset is a constant expression.
    std::optional<std::uint64_t> address;
    std::span<const std::uint8_t> bytes;
};

struct SectionInfo {
    std::uint8_t id = 0;
    std::string name;        // "type", "code", or a custom section's own name
    std::size_t offset = 0;  // file offset of the id byte
    std::size_t body_offset = 0;
    std::size_t size = 0;
};

struct Module {
    std::vector<SectionInfo> sections;
    std::vector<FuncType> types;
    std::vector<Import> imports;
    std::uint32_t imported_functions = 0;
    std::vector<std::uint32_t> function_imports;  // function index -> index into `imports`
    std::vector<std::uint32_t> function_types;    // defined functions only
    std::vector<Export> exports;
    std::vector<FunctionBody> bodies;  // defined functions only
    std::vector<DataSegment> data;
    std::vector<std::string> function_names;  // by function index, empty when unnamed
    std::optional<std::string> module_name;
    // A malformed "name" section does not make the module invalid: it is noted here instead.
    std::optional<std::string> name_section_error;

    std::uint32_t function_count() const {
        return imported_functions + static_cast<std::uint32_t>(function_types.size());
    }
    // The type of function `index` (imported or defined), if the index and type are in range.
    const FuncType* function_type(std::uint32_t index) const;
    // The import behind function `index`, or nullptr for a defined function.
    const Import* function_import(std::uint32_t index) const;
    // Name section name, else an export name, else "func[N]".
    std::string function_display_name(std::uint32_t index) const;
};

// Reads a core module. Structure only: every section, entry and function body is bounded and
// checked, but instructions are decoded later (see instructions.hpp).
proto::Decoded<Module> read_module(std::span<const std::uint8_t> bytes);

const char* section_name(std::uint8_t id);

}  // namespace netdiag::proto::wasm
