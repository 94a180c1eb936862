#include "probes/wasi_af/coverage.hpp"

#include <algorithm>

#include "probes/wasi_af/lint_checks.hpp"

namespace netdiag::probes::wasi_af {
namespace {

const std::string judged_text = "judged";
const std::string not_applicable = "n/a";

std::string why_unknown(const AbsVal& v) {
    if (v.is_pointer()) {
        if ((v.ref & kBaseParamTag) == kBaseParamTag) {
            return unknown_reason_text(Unknown::parameter);
        }
        return "is an address, not a number";
    }
    if (v.is_socket()) return "is a socket fd, not a number";
    return unknown_reason_text(v.why);
}

std::string value_aspect(const AbsVal& v) {
    return v.is_const() ? judged_text : "unknown: value " + why_unknown(v);
}

std::string address_aspect(const CallFact& c, int addr_arg) {
    if (c.address) {
        const auto& b = c.address->bytes;
        if (b[0] >= 0 && b[2] >= 0 && b[3] >= 0) return judged_text;
        return "unknown: the address's family tag or port bytes are not known (written through "
               "an unknown pointer or by code the lint does not follow)";
    }
    if (addr_arg < 0 || static_cast<std::size_t>(addr_arg) >= c.args.size()) return not_applicable;
    return "unknown: address " + why_unknown(c.args[static_cast<std::size_t>(addr_arg)]);
}

std::string socket_aspect(const CallFact& c, int fd_arg) {
    if (fd_arg < 0 || static_cast<std::size_t>(fd_arg) >= c.args.size()) return not_applicable;
    if (c.socket) return judged_text;
    const AbsVal& fd = c.args[static_cast<std::size_t>(fd_arg)];
    if (fd.is_const()) return "unknown: the fd is a constant, not a socket the walk saw opened";
    return "unknown: socket fd " + why_unknown(fd);
}

// Keeps the first unknown reason: a call is judged only if every walk judged it.
void merge(std::string& into, const std::string& seen) {
    if (into.empty() || into == judged_text || into == not_applicable) into = seen;
}

}  // namespace

bool CallCoverage::judged() const {
    auto ok = [](const std::string& s) { return s == judged_text || s == not_applicable; };
    return reached && ok(family) && ok(type) && ok(address) && ok(socket);
}

void CoverageTally::add_site(std::uint32_t function_index, std::size_t offset, std::string field) {
    if (find(offset)) return;
    CallCoverage c;
    c.function_index = function_index;
    c.offset = offset;
    c.field = std::move(field);
    by_offset_[offset] = calls_.size();
    calls_.push_back(std::move(c));
}

CallCoverage* CoverageTally::find(std::size_t offset) {
    auto it = by_offset_.find(offset);
    return it == by_offset_.end() ? nullptr : &calls_[it->second];
}

void CoverageTally::add_walk(const WalkFacts& facts) {
    for (const CallFact& f : facts.calls) {
        add_site(f.function_index, f.offset, f.field);
        CallCoverage& c = *find(f.offset);
        const int fd_arg = f.call == SocketCall::open ? -1 : f.fd_arg;
        const int addr_arg = f.addr_arg;
        const bool open = f.call == SocketCall::open;
        merge(c.family, open ? value_aspect(f.args[0]) : not_applicable);
        merge(c.type, open ? value_aspect(f.args[1]) : not_applicable);
        merge(c.address, address_aspect(f, addr_arg));
        merge(c.socket, socket_aspect(f, fd_arg));
        c.reached = true;
    }
}

void CoverageTally::finish(const std::string& unreached_reason) {
    for (CallCoverage& c : calls_) {
        if (c.reached) continue;
        c.family = c.type = c.address = c.socket = "unknown: " + unreached_reason;
    }
    std::sort(calls_.begin(), calls_.end(),
              [](const CallCoverage& a, const CallCoverage& b) { return a.offset < b.offset; });
    by_offset_.clear();
    for (std::size_t i = 0; i < calls_.size(); ++i) by_offset_[calls_[i].offset] = i;
}

std::size_t CoverageTally::judged() const {
    return static_cast<std::size_t>(std::count_if(
        calls_.begin(), calls_.end(), [](const CallCoverage& c) { return c.judged(); }));
}

nlohmann::json CoverageTally::to_json(const proto::wasm::Module& module, std::size_t limit) const {
    nlohmann::json out = nlohmann::json::array();
    for (const CallCoverage& c : calls_) {
        if (out.size() >= limit) break;
        out.push_back({{"function", module.function_display_name(c.function_index)},
                       {"function_index", c.function_index},
                       {"offset", proto::wasm::hex_offset(c.offset)},
                       {"call", c.field},
                       {"judged", c.judged()},
                       {"family", c.family},
                       {"type", c.type},
                       {"address", c.address},
                       {"socket", c.socket}});
    }
    return out;
}

Finding not_judged_finding(const proto::wasm::Module& module, const CoverageTally& tally) {
    auto f = make_wasm_finding("ND-WASM-013", Severity::info, {});
    const std::size_t total = tally.calls().size(), open = tally.not_judged();
    f.title =
        std::to_string(open) + " of " + std::to_string(total) + " socket calls could not be judged";
    std::string detail;
    nlohmann::json list = nlohmann::json::array();
    for (const CallCoverage& c : tally.calls()) {
        if (c.judged()) continue;
        std::string why;
        for (const std::string* aspect : {&c.family, &c.type, &c.address, &c.socket}) {
            if (aspect->rfind("unknown: ", 0) == 0) {
                const char* name = aspect == &c.family    ? "family"
                                   : aspect == &c.type    ? "type"
                                   : aspect == &c.address ? "address"
                                                          : "socket";
                const std::string reason = aspect->substr(9);
                // "address comes from ..." already names its aspect; "value ..." does not.
                why = reason.rfind(name, 0) == 0 ? reason : std::string(name) + " " + reason;
                break;
            }
        }
        const std::string where =
            c.field + " in " + module.function_display_name(c.function_index) + " (function " +
            std::to_string(c.function_index) + ") at offset " + proto::wasm::hex_offset(c.offset);
        if (list.size() < 20) list.push_back({{"call", where}, {"reason", why}});
        if (list.size() <= 3) detail += (detail.empty() ? "" : "; ") + where + ": " + why;
    }
    if (open > 3) detail += "; and " + std::to_string(open - 3) + " more";
    f.detail = detail +
               ". No finding is made from an unknown value: these calls are neither right nor "
               "wrong as far as the lint can tell.";
    f.evidence = {
        {"socket_calls", total}, {"judged", total - open}, {"not_judged", open}, {"calls", list}};
    f.remedy = {
        "Review these calls by hand (wasm-objdump -d FILE) or build the module so the "
        "values reach the call as constants (docs/probes/wasi-af.md, section \"Judged or "
        "unknown\")"};
    return f;
}

}  // namespace netdiag::probes::wasi_af
