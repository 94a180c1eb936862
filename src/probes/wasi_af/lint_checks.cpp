#include "probes/wasi_af/lint_checks.hpp"

#include <cstdio>
#include <set>
#include <string>

namespace netdiag::probes::wasi_af {
namespace {

std::string hex(std::size_t v) {
    return proto::wasm::hex_offset(v);
}

std::string arg_text(const AbsVal& v) {
    if (v.is_const()) return std::to_string(v.value);
    if (v.is_socket()) return "fd";
    if (v.is_pointer()) {
        return std::string((v.ref & kBaseParamTag) == kBaseParamTag ? "param" : "sp") +
               (v.value < 0 ? "-" : "+") + std::to_string(v.value < 0 ? -v.value : v.value);
    }
    return "?";
}

std::string call_text(const CallFact& c) {
    std::string s = c.field + "(";
    for (std::size_t i = 0; i < c.args.size(); ++i) {
        if (i) s += ", ";
        s += arg_text(c.args[i]);
    }
    return s + ")";
}

nlohmann::json arg_json(const AbsVal& v) {
    if (v.is_const()) return v.value;
    if (v.is_socket()) return "socket fd";
    if (v.is_pointer()) return arg_text(v);
    return nullptr;
}

// Where an address lives, for the reader: "0x10" (absolute) or "sp-24" (in a stack frame).
std::string memory_text(const AbsVal& p) {
    if (p.is_const()) return proto::wasm::hex_offset(static_cast<std::size_t>(p.value));
    return arg_text(p);
}

std::string bytes_hex(const AddrBytes& a, std::size_t from, std::size_t n) {
    std::string s;
    for (std::size_t k = from; k < from + n && k < a.bytes.size(); ++k) {
        static constexpr char kHex[] = "0123456789abcdef";
        if (!s.empty()) s += ' ';
        if (a.bytes[k] < 0) {  // a byte the analysis could not know
            s += "??";
        } else {
            const auto byte = static_cast<unsigned>(a.bytes[k]) & 0xffu;
            s += kHex[byte >> 4];
            s += kHex[byte & 0xfu];
        }
    }
    return s;
}

bool known(const AddrBytes& a, std::size_t from, std::size_t n) {
    for (std::size_t k = from; k < from + n; ++k) {
        if (a.bytes[k] < 0) return false;
    }
    return true;
}

std::string ipv4_text(const AddrBytes& a) {
    if (!known(a, 4, 4)) return "?";
    return std::to_string(a.bytes[4]) + "." + std::to_string(a.bytes[5]) + "." +
           std::to_string(a.bytes[6]) + "." + std::to_string(a.bytes[7]);
}

// An address whose layout says IPv4: tag 1, or only 4 address bytes, or 4 non-zero address
// bytes followed by 12 zero bytes (no real IPv6 address looks like that).
std::string ipv4_evidence(const AddrBytes& a) {
    if (a.bytes[0] == af_inet4) return "its family tag is 1 (INET4)";
    if (!known(a, 4, 4)) return {};
    if (a.known_prefix >= 8 && a.known_prefix < 20) {
        return "it holds only 4 address bytes (" + ipv4_text(a) + ") where INET6 needs 16";
    }
    bool tail_zero = known(a, 8, 12);
    for (std::size_t k = 8; k < 20 && tail_zero; ++k) tail_zero = a.bytes[k] == 0;
    const bool head_nonzero = a.bytes[4] || a.bytes[5] || a.bytes[6] || a.bytes[7];
    if (tail_zero && head_nonzero) {
        return "its address bytes are " + ipv4_text(a) + " followed by 12 zero bytes";
    }
    return {};
}

class Checker {
public:
    Checker(const proto::wasm::Module& m, const WalkFacts& f, std::vector<Finding>& out)
        : m_(m), f_(f), out_(out) {}

    void run() {
        for (const CallFact& c : f_.calls) {
            if (c.call == SocketCall::open) check_open(c);
            if (c.address) check_address(c);
            if (c.call == SocketCall::listen || c.call == SocketCall::accept) check_bound(c);
            if (c.call == SocketCall::connect && c.socket_was_listening) check_connect(c);
        }
    }

private:
    Finding make(const char* id, Severity sev, std::string title, const CallFact& c) {
        auto f = make_wasm_finding(id, sev, std::move(title));
        f.evidence["function"] = m_.function_display_name(c.function_index);
        f.evidence["function_index"] = c.function_index;
        f.evidence["offset"] = hex(c.offset);
        if (!c.via.empty()) {
            nlohmann::json via = nlohmann::json::array();
            for (std::uint32_t caller : c.via) via.push_back(m_.function_display_name(caller));
            f.evidence["called_from"] = via;
        }
        f.evidence["call"] = c.field;
        nlohmann::json args = nlohmann::json::array();
        for (const AbsVal& a : c.args) args.push_back(arg_json(a));
        f.evidence["arguments"] = args;
        return f;
    }

    std::string where(const CallFact& c) const {
        return m_.function_display_name(c.function_index) + " (function " +
               std::to_string(c.function_index) + ") at offset " + hex(c.offset) + ": " +
               call_text(c);
    }

    // The sock_open whose family applies to this call: the fd's own socket, else the only
    // sock_open in the function.
    const SocketRecord* socket_for(const CallFact& c) const {
        if (c.socket) return &f_.sockets[*c.socket];
        const SocketRecord* only = nullptr;
        for (const SocketRecord& s : f_.sockets) {
            if (s.created_by != SocketCall::open) continue;
            if (only) return nullptr;
            only = &s;
        }
        return only;
    }

    void check_open(const CallFact& c) {
        const SocketRecord& s = f_.sockets[*c.created];
        if (s.family.is_const()) {
            const std::int64_t af = s.family.value;
            if (af < kAfUnspec || af > af_unix) {
                Finding f = make(
                    "ND-WASM-002", Severity::error,
                    "sock_open address family " + std::to_string(af) + " is not a WASIX family", c);
                const std::string posix = posix_family_meaning(af);
                f.detail = where(c) + ": family " + std::to_string(af) +
                           " is outside WASIX's 0 UNSPEC, 1 INET4, 2 INET6, 3 UNIX" +
                           (posix.empty() ? ""
                                          : "; " + std::to_string(af) + " is " + posix +
                                                ", WASIX INET6 is 2");
                f.evidence["family"] = af;
                f.remedy = {"Use the WASIX value: 1 for IPv4 (INET4), 2 for IPv6 (INET6)",
                            "Take the constants from the WASIX C library or bindings rather than "
                            "a POSIX header"};
                out_.push_back(std::move(f));
            } else if (af == af_inet6) {
                check_inet6_meant_as_ipv4(c);
            }
        }
        if (s.type.is_const()) {
            const std::string problem = socktype_problem(s.type.value);
            if (!problem.empty()) {
                Finding f = make("ND-WASM-003", Severity::error,
                                 "sock_open socket type " + std::to_string(s.type.value) +
                                     " is not a WASIX socket type",
                                 c);
                f.detail = where(c) + ": " + problem;
                f.evidence["socktype"] = s.type.value;
                f.remedy = {"Use the WASIX socket type: 1 STREAM, 2 DGRAM, 3 RAW, 4 SEQPACKET",
                            "Set non-blocking mode after opening with fd_fdstat_set_flags"};
                out_.push_back(std::move(f));
            }
        }
        if (s.type.is_const() && s.protocol.is_const()) {
            const std::int64_t type = s.type.value, proto = s.protocol.value;
            const bool tcp_wrong = proto == 6 && type != sock_stream;
            const bool udp_wrong = proto == 17 && type != sock_dgram;
            if ((tcp_wrong || udp_wrong) && socktype_problem(type).empty()) {
                Finding f =
                    make("ND-WASM-008", Severity::error,
                         std::string("sock_open protocol ") + (tcp_wrong ? "TCP (6)" : "UDP (17)") +
                             " with a " + socktype_name(type) + " socket",
                         c);
                f.detail = where(c) + ": the runtime refuses " +
                           (tcp_wrong ? "TCP with a non-stream" : "UDP with a non-datagram") +
                           " socket type with NOTSUP (58)";
                f.evidence["socktype"] = type;
                f.evidence["protocol"] = proto;
                f.remedy = {tcp_wrong ? "Use socket type 1 (STREAM) for TCP, or protocol 0"
                                      : "Use socket type 2 (DGRAM) for UDP, or protocol 0"};
                out_.push_back(std::move(f));
            }
        }
    }

    void check_inet6_meant_as_ipv4(const CallFact& open) {
        const std::uint32_t id = *open.created;
        for (const CallFact& c : f_.calls) {
            if (!c.address) continue;
            const bool linked = c.socket ? *c.socket == id : socket_for(c) == &f_.sockets[id];
            if (!linked) continue;
            const std::string why = ipv4_evidence(*c.address);
            if (why.empty()) continue;
            Finding f = make("ND-WASM-001", Severity::error,
                             "sock_open family 2 is INET6 in WASIX, but the socket is used with "
                             "an IPv4 address",
                             open);
            f.detail = where(open) + ": 2 is POSIX AF_INET but WASIX INET6; the address given to " +
                       c.field + " at offset " + hex(c.offset) + " (memory " +
                       memory_text(c.address->pointer) + ") is IPv4: " + why +
                       ". The runtime opens an IPv6 socket (bind then fails with INVAL or "
                       "ADDRNOTAVAIL).";
            f.evidence["family"] = 2;
            f.evidence["address_call"] = c.field;
            f.evidence["address_call_offset"] = hex(c.offset);
            f.evidence["address_memory"] = memory_text(c.address->pointer);
            f.evidence["address_bytes"] = bytes_hex(*c.address, 0, 8);
            f.remedy = {
                "Pass 1 (WASIX INET4) to sock_open and write 1 as the address's family "
                "tag",
                "WASIX numbers families 0 UNSPEC, 1 INET4, 2 INET6, 3 UNIX (POSIX AF_INET "
                "is 2)"};
            out_.push_back(std::move(f));
            return;  // one finding per sock_open
        }
    }

    void check_address(const CallFact& c) {
        const AddrBytes& a = *c.address;
        const std::string at_mem = memory_text(a.pointer);
        if (a.bytes[0] >= 0) {
            const std::int64_t tag = a.bytes[0];
            const SocketRecord* s = socket_for(c);
            const bool outside = tag > af_unix;
            const bool differs = s && s->family.is_const() && s->family.value != tag &&
                                 s->family.value >= kAfUnspec && s->family.value <= af_unix;
            if (outside || differs) {
                Finding f =
                    make("ND-WASM-004", Severity::error,
                         "Address family tag " + std::to_string(tag) + " passed to " + c.field +
                             (outside ? " is not a WASIX family"
                                      : " disagrees with the socket's family"),
                         c);
                f.detail = where(c) + ": the address at memory " + at_mem + " has family tag " +
                           family_name(tag);
                if (differs) {
                    f.detail += " but the socket was opened at offset " + hex(s->created_at) +
                                " with " + family_name(s->family.value) +
                                "; the runtime answers INVAL (28) or AFNOSUPPORT (5)";
                    f.evidence["socket_family"] = s->family.value;
                    f.evidence["sock_open_offset"] = hex(s->created_at);
                }
                f.evidence["address_family_tag"] = tag;
                f.evidence["address_memory"] = at_mem;
                f.evidence["address_bytes"] = bytes_hex(a, 0, 8);
                f.remedy = {
                    "Write the same WASIX family in byte 0 of the address as the one "
                    "passed to sock_open (1 INET4, 2 INET6)"};
                out_.push_back(std::move(f));
            }
        }
        if (known(a, 2, 2)) {
            const auto native = static_cast<std::uint32_t>(a.bytes[2] | (a.bytes[3] << 8));
            const auto swapped = static_cast<std::uint32_t>(a.bytes[3] | (a.bytes[2] << 8));
            if (port_looks_byte_swapped(native, swapped)) {
                Finding f = make("ND-WASM-005", Severity::warning,
                                 "Port written in network byte order: the runtime reads " +
                                     std::to_string(native) + ", not " + std::to_string(swapped),
                                 c);
                f.detail = where(c) + ": the address at memory " + at_mem + " has port bytes " +
                           bytes_hex(a, 2, 2) +
                           "; WASIX reads the port in native "
                           "(little-endian) order as " +
                           std::to_string(native) + ", while in network order they mean " +
                           std::to_string(swapped);
                f.evidence["port_as_read"] = native;
                f.evidence["port_intended"] = swapped;
                f.evidence["port_bytes"] = bytes_hex(a, 2, 2);
                f.evidence["address_memory"] = at_mem;
                char fixed[16];
                std::snprintf(fixed, sizeof fixed, "\\%02x\\%02x", a.bytes[3], a.bytes[2]);
                f.remedy = {"Store the port in little-endian order: for " +
                                std::to_string(swapped) + " write the bytes \"" + fixed +
                                "\" (or i32.store16 " + std::to_string(swapped) + ")",
                            "Do not apply htons() to ports given to sock_bind/sock_connect/"
                            "sock_send_to"};
                out_.push_back(std::move(f));
            }
        }
    }

    void check_bound(const CallFact& c) {
        if (!c.socket || c.socket_was_bound || c.socket_had_escaped) return;
        const SocketRecord& s = f_.sockets[*c.socket];
        if (s.created_by != SocketCall::open) return;
        // One finding per socket: a listen and a later accept on it share the cause.
        if (!flagged_unbound_.insert(*c.socket).second) return;
        Finding f =
            make("ND-WASM-006", Severity::error, c.field + " on a socket that was never bound", c);
        f.detail = where(c) + ": the socket opened at offset " + hex(s.created_at) + " reaches " +
                   c.field +
                   " without a sock_bind on any path the analysis "
                   "sees; it is still Opening, so the runtime refuses the call";
        f.evidence["sock_open_offset"] = hex(s.created_at);
        f.remedy = {
            "Call sock_bind(fd, addr) before sock_listen: a socket goes Opening -> "
            "Bound -> Listening"};
        out_.push_back(std::move(f));
    }

    void check_connect(const CallFact& c) {
        const SocketRecord& s = f_.sockets[*c.socket];
        Finding f = make("ND-WASM-007", Severity::error, "sock_connect on a listening socket", c);
        f.detail = where(c) + ": the socket opened at offset " + hex(s.created_at) +
                   " was passed to sock_listen before; a listening socket cannot connect";
        f.evidence["sock_open_offset"] = hex(s.created_at);
        f.remedy = {"Open a second socket for the outgoing connection"};
        out_.push_back(std::move(f));
    }

    const proto::wasm::Module& m_;
    const WalkFacts& f_;
    std::vector<Finding>& out_;
    std::set<std::uint32_t> flagged_unbound_;
};

}  // namespace

bool port_looks_byte_swapped(std::uint32_t native, std::uint32_t swapped) {
    if (native == swapped || is_well_known_port(native)) return false;
    return is_well_known_port(swapped) || (swapped >= 1000 && swapped % 100 == 0);
}

void check_walk(const proto::wasm::Module& module, const WalkFacts& facts,
                std::vector<Finding>& out) {
    Checker(module, facts, out).run();
}

}  // namespace netdiag::probes::wasi_af
