// One value of the abstract machine: a constant, a socket fd (which sock_open made it), an
// address of the form base + offset (the base is what a global such as the C stack pointer, or a
// parameter of the function the walk started in, held on entry), or unknown, with the reason it
// is unknown so a report can say why a call was not judged.
#pragma once

#include <cstdint>
#include <string>

namespace netdiag::probes::wasi_af {

// Why a value is unknown, from the most to the least specific.
enum class Unknown : std::uint8_t {
    computed,           // an operation the walk does not fold (float, division, ...)
    parameter,          // a parameter of a function no followed caller passes a value to
    global,             // a global that is not the base of an address
    memory,             // loaded from memory the walk does not know
    indirect_call,      // returned by call_indirect / call_ref
    import_call,        // returned by an imported function other than the socket calls
    call_not_followed,  // returned by a call past the depth or size limits, or recursive
    loop,               // written inside a loop the walk could not unroll
    paths_differ,       // different on the paths that meet here
};

std::string unknown_reason_text(Unknown why);

// Bases of symbolic addresses. 0 is the absolute address space (constants).
inline constexpr std::uint32_t kBaseAbsolute = 0;
inline constexpr std::uint32_t kBaseGlobalTag = 1u << 30;
inline constexpr std::uint32_t kBaseParamTag = 2u << 30;

struct AbsVal {
    enum class Kind : std::uint8_t { unknown, constant, socket, pointer };
    Kind kind = Kind::unknown;
    Unknown why = Unknown::computed;  // when kind == unknown
    std::uint32_t ref = 0;            // socket: index of the socket record; pointer: its base
    std::int64_t value = 0;  // constant (i32 values zero-extended), or the pointer's offset

    static AbsVal unknown(Unknown why = Unknown::computed) {
        AbsVal v;
        v.why = why;
        return v;
    }
    static AbsVal constant(std::int64_t v) { return {Kind::constant, Unknown::computed, 0, v}; }
    static AbsVal fd(std::uint32_t socket) { return {Kind::socket, Unknown::computed, socket, 0}; }
    static AbsVal pointer(std::uint32_t base, std::int64_t offset) {
        return {Kind::pointer, Unknown::computed, base, offset};
    }
    bool is_const() const { return kind == Kind::constant; }
    bool is_socket() const { return kind == Kind::socket; }
    bool is_pointer() const { return kind == Kind::pointer; }
    bool is_unknown() const { return kind == Kind::unknown; }
    // Constants are addresses with the absolute base.
    bool is_address() const { return is_const() || is_pointer(); }
    std::uint32_t address_base() const { return is_pointer() ? ref : kBaseAbsolute; }
    bool operator==(const AbsVal&) const = default;
    // Same value, whatever the reason an unknown one is unknown.
    bool same(const AbsVal& o) const {
        return kind == o.kind && (kind == Kind::unknown || (ref == o.ref && value == o.value));
    }
};

// The value two paths agree on, else unknown (paths_differ, or the reason they share).
AbsVal join_values(const AbsVal& a, const AbsVal& b);

}  // namespace netdiag::probes::wasi_af
