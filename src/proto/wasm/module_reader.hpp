// The module reader's internals, shared by module_reader.cpp (the section loop, header and
// custom sections) and module_sections.cpp (the entries of the known sections).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/wasm/module.hpp"

namespace netdiag::proto::wasm {

class ModuleReader {
public:
    explicit ModuleReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    // Where reading stopped, for error messages ("section 10 (code) body 3").
    std::string context() const;
    Module read();

private:
    void read_header(ByteReader& r);
    bool looks_like_text() const;
    void item(std::string_view what, std::uint32_t index);
    std::string section_id_text() const;
    ValType value_type(ByteReader& r);
    static std::string hex_byte(std::uint8_t b);
    void read_types(ByteReader& r);
    void check_type_index(ByteReader& r, std::size_t at, std::uint32_t index);
    void limits(ByteReader& r);
    void read_imports(ByteReader& r);
    void read_functions(ByteReader& r);
    void read_exports(ByteReader& r);
    void read_code(ByteReader& r);
    std::optional<std::uint64_t> const_expr(ByteReader& r);
    void read_data(ByteReader& r);
    std::string read_custom(ByteReader& r);
    void read_names(ByteReader& r);

    std::span<const std::uint8_t> bytes_;
    Module m_;
    void set_context(std::string text);

    std::string context_;
    // The entry being read, appended to context_ only when an error needs it: building the text
    // for each of 100,000 function bodies cost a tenth of the parse.
    std::string_view item_what_;
    std::uint32_t item_index_ = 0;
    std::uint8_t current_id_ = 0;
};

}  // namespace netdiag::proto::wasm
