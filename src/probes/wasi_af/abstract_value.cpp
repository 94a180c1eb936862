#include "probes/wasi_af/abstract_value.hpp"

namespace netdiag::probes::wasi_af {

std::string unknown_reason_text(Unknown why) {
    switch (why) {
        case Unknown::computed:
            return "computed by an operation the lint does not evaluate";
        case Unknown::parameter:
            return "comes from a parameter of a function no followed caller calls";
        case Unknown::global:
            return "comes from a global variable";
        case Unknown::memory:
            return "is read from memory the lint does not know";
        case Unknown::indirect_call:
            return "comes from an indirect call";
        case Unknown::import_call:
            return "comes from an imported function";
        case Unknown::call_not_followed:
            return "comes from a call the lint did not follow (recursion or depth limit)";
        case Unknown::loop:
            return "is changed inside a loop the lint could not unroll";
        case Unknown::paths_differ:
            return "differs between the paths that reach the call";
    }
    return "unknown";
}

AbsVal join_values(const AbsVal& a, const AbsVal& b) {
    if (a.same(b)) return a;
    if (a.is_unknown() && b.is_unknown()) return a;  // keep the first reason
    if (a.is_unknown()) return a;
    if (b.is_unknown()) return b;
    return AbsVal::unknown(Unknown::paths_differ);
}

}  // namespace netdiag::probes::wasi_af
