// Structure of a core module: header, then sections in order, each bounded by its own size.
// Sections netdiag does not use (table, memory, global, start, element, data count, tag) are
// skipped by their size; the ones it uses are read entry by entry.
#include <array>
#include <string>

#include "proto/wasm/module_reader.hpp"

namespace netdiag::proto::wasm {

const char* section_name(std::uint8_t id) {
    static constexpr std::array<const char*, 14> names = {
        "custom", "type",  "import",  "function", "table", "memory",    "global",
        "export", "start", "element", "code",     "data",  "datacount", "tag"};
    return id < names.size() ? names[id] : "unknown";
}

namespace {

// Position of each known section id in the order the specification requires (0 = custom).
int section_rank(std::uint8_t id) {
    static constexpr std::array<int, 14> kSectionOrder = {0, 1, 2,  3,  4,  5,  7,
                                                          8, 9, 10, 12, 13, 11, 6};
    return id < kSectionOrder.size() ? kSectionOrder[id] : -1;
}

bool is_value_type(std::uint8_t b) {
    switch (b) {
        case 0x7f:
        case 0x7e:
        case 0x7d:
        case 0x7c:
        case 0x7b:
        case 0x70:
        case 0x6f:
        case 0x69:
            return true;
        default:
            return false;
    }
}

}  // namespace

Module ModuleReader::read() {
    ByteReader r(bytes_);
    set_context("header");
    read_header(r);
    int last_rank = 0;
    std::array<bool, 14> seen{};
    bool have_code = false;
    while (!r.at_end()) {
        const std::size_t section_offset = r.offset();
        set_context("section header at offset " + hex_offset(section_offset));
        const std::uint8_t id = r.u8();
        const std::uint32_t size = r.u32();
        const std::size_t body_offset = r.offset();
        set_context("section " + std::to_string(id) + " (" + section_name(id) + ")");
        const int rank = section_rank(id);
        if (rank < 0) {
            r.fail(DecodeErrorKind::malformed, section_offset,
                   "unknown section id " + std::to_string(id) + " at offset " +
                       hex_offset(section_offset));
        }
        auto body = r.bytes(size, std::string("section body"));
        if (id != 0) {
            if (seen[id]) {
                r.fail(DecodeErrorKind::malformed, section_offset,
                       "appears twice (second at offset " + hex_offset(section_offset) + ")");
            }
            if (rank < last_rank) {
                r.fail(DecodeErrorKind::malformed, section_offset,
                       "out of order at offset " + hex_offset(section_offset));
            }
            seen[id] = true;
            last_rank = rank;
        }
        SectionInfo info{id, section_name(id), section_offset, body_offset, size};
        ByteReader s(body, body_offset);
        switch (id) {
            case 0:
                info.name = read_custom(s);
                break;
            case 1:
                read_types(s);
                break;
            case 2:
                read_imports(s);
                break;
            case 3:
                read_functions(s);
                break;
            case 7:
                read_exports(s);
                break;
            case 10:
                read_code(s);
                have_code = true;
                break;
            case 11:
                read_data(s);
                break;
            default:
                s.skip(s.remaining(), "section");
                break;
        }
        set_context("section " + std::to_string(id) + " (" + section_name(id) + ")");
        if (!s.at_end()) {
            s.fail(DecodeErrorKind::malformed, s.offset(),
                   "section ends at offset " + hex_offset(body_offset + size) + " but " +
                       std::to_string(s.remaining()) + " bytes at offset " +
                       hex_offset(s.offset()) + " were not used");
        }
        m_.sections.push_back(std::move(info));
    }
    set_context("module");
    if (!have_code && !m_.function_types.empty()) {
        r.fail(DecodeErrorKind::malformed, r.offset(),
               "function section declares " + std::to_string(m_.function_types.size()) +
                   " functions but the module ends at offset " + hex_offset(r.offset()) +
                   " without a code section");
    }
    return std::move(m_);
}

void ModuleReader::read_header(ByteReader& r) {
    if (r.remaining() == 0) {
        r.fail(DecodeErrorKind::malformed, 0, "empty file (0 bytes): no magic at offset 0x0");
    }
    static constexpr std::uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
    for (std::size_t i = 0; i < 4; ++i) {
        if (r.at_end()) r.truncated("magic \\0asm");
        if (r.u8() != kMagic[i]) {
            r.fail(DecodeErrorKind::malformed, i,
                   "not a WebAssembly binary: byte 0x" + hex_byte(bytes_[i]) + " at offset " +
                       hex_offset(i) + " differs from the magic \\0asm (00 61 73 6d)" +
                       (looks_like_text() ? " (it looks like WebAssembly text: give it a .wat "
                                            "name so wat2wasm converts it)"
                                          : ""));
        }
    }
    const std::uint32_t version = r.u32_fixed();
    if ((version & 0xffff) == 0x0d && (version >> 16) == 1) {
        r.fail(DecodeErrorKind::unsupported, 4,
               "version field 0x0001000d at offset 0x4: this is a component (layer 1), not a "
               "core module; wasi-af reads core modules only");
    }
    if (version != 1) {
        r.fail(DecodeErrorKind::malformed, 4,
               "version " + std::to_string(version) + " at offset 0x4, expected 1");
    }
}

bool ModuleReader::looks_like_text() const {
    std::size_t i = 0;
    while (i < bytes_.size() &&
           (bytes_[i] == ' ' || bytes_[i] == '\n' || bytes_[i] == '\t' || bytes_[i] == '\r')) {
        ++i;
    }
    const std::string_view rest(reinterpret_cast<const char*>(bytes_.data()) + i,
                                bytes_.size() - i);
    return rest.starts_with("(module") || rest.starts_with(";;");
}

void ModuleReader::item(std::string_view what, std::uint32_t index) {
    item_what_ = what;
    item_index_ = index;
}

void ModuleReader::set_context(std::string text) {
    context_ = std::move(text);
    item_what_ = {};
}

std::string ModuleReader::context() const {
    if (item_what_.empty()) return context_;
    return "section " + section_id_text() + " " + std::string(item_what_) + " " +
           std::to_string(item_index_);
}

std::string ModuleReader::section_id_text() const {
    return std::to_string(current_id_) + " (" + section_name(current_id_) + ")";
}

ValType ModuleReader::value_type(ByteReader& r) {
    const std::size_t at = r.offset();
    const std::uint8_t b = r.u8();
    if (!is_value_type(b)) {
        // 0x63/0x64 (typed references) and the GC types are valid in newer WebAssembly.
        const bool gc = b == 0x63 || b == 0x64 || (b >= 0x65 && b <= 0x6e);
        r.fail(gc ? DecodeErrorKind::unsupported : DecodeErrorKind::malformed, at,
               std::string(gc ? "unsupported" : "invalid") + " value type 0x" + hex_byte(b) +
                   " at offset " + hex_offset(at));
    }
    return static_cast<ValType>(b);
}

std::string ModuleReader::hex_byte(std::uint8_t b) {
    static const char* digits = "0123456789abcdef";
    return {digits[b >> 4], digits[b & 15]};
}

std::string ModuleReader::read_custom(ByteReader& r) {
    current_id_ = 0;
    std::string name = r.name("custom section name");
    if (name == "name") read_names(r);
    r.skip(r.remaining(), "custom section");
    return name;
}

// The name section is advisory: an error in it is noted and the names are dropped.
void ModuleReader::read_names(ByteReader& r) {
    const std::string saved = context();
    try {
        std::optional<std::string> module_name;
        std::vector<std::string> names(m_.function_count());
        std::uint8_t last_id = 0;
        bool first = true;
        while (!r.at_end()) {
            const std::size_t at = r.offset();
            const std::uint8_t id = r.u8();
            const std::uint32_t size = r.u32();
            set_context("section 0 (custom \"name\") subsection " + std::to_string(id));
            if (!first && id <= last_id) {
                r.fail(DecodeErrorKind::malformed, at,
                       "subsection out of order at offset " + hex_offset(at));
            }
            first = false;
            last_id = id;
            ByteReader s(r.bytes(size, "name subsection"), r.offset() - size);
            if (id == 0) {
                module_name = s.name("module name");
            } else if (id == 1) {
                const std::uint32_t n = s.count("function name", 2);
                for (std::uint32_t i = 0; i < n; ++i) {
                    const std::uint32_t index = s.u32();
                    std::string text = s.name("function name");
                    if (index < names.size()) names[index] = std::move(text);
                }
            } else {
                s.skip(s.remaining(), "name subsection");
            }
            if (!s.at_end()) {
                s.fail(DecodeErrorKind::malformed, s.offset(),
                       "subsection has " + std::to_string(s.remaining()) +
                           " unused bytes at offset " + hex_offset(s.offset()));
            }
        }
        m_.module_name = std::move(module_name);
        m_.function_names = std::move(names);
    } catch (const DecodeFailure& e) {
        m_.name_section_error = context() + ": " + e.what();
        m_.function_names.clear();
    }
    set_context(saved);
}

proto::Decoded<Module> read_module(std::span<const std::uint8_t> bytes) {
    ModuleReader reader(bytes);
    try {
        return reader.read();
    } catch (const DecodeFailure& e) {
        return proto::DecodeError{e.offset(), reader.context() + ": " + e.what(), e.kind()};
    }
}

const FuncType* Module::function_type(std::uint32_t index) const {
    std::uint32_t t = 0;
    if (index < imported_functions) {
        const Import* imp = function_import(index);
        if (imp == nullptr) return nullptr;
        t = imp->type_index;
    } else if (index - imported_functions < function_types.size()) {
        t = function_types[index - imported_functions];
    } else {
        return nullptr;
    }
    return t < types.size() ? &types[t] : nullptr;
}

const Import* Module::function_import(std::uint32_t index) const {
    if (index >= function_imports.size()) return nullptr;
    return &imports[function_imports[index]];
}

std::string Module::function_display_name(std::uint32_t index) const {
    if (index < function_names.size() && !function_names[index].empty()) {
        return function_names[index];
    }
    for (const Export& e : exports) {
        if (e.kind == ExternalKind::function && e.index == index) return e.name;
    }
    if (const Import* imp = function_import(index)) return imp->module + "." + imp->field;
    return "func[" + std::to_string(index) + "]";
}

}  // namespace netdiag::proto::wasm
