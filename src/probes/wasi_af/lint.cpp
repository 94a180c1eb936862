#include "probes/wasi_af/lint.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "probes/wasi_af/function_analysis.hpp"
#include "probes/wasi_af/lint_checks.hpp"
#include "probes/wasi_af/shared_walks.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::probes::wasi_af {
namespace {

Finding import_not_provided(const proto::wasm::Import& imp) {
    auto f = make_wasm_finding("ND-WASM-009", Severity::error, {});
    f.title = imp.field + " imported from " + imp.module + ", which does not provide it";
    f.detail = "import \"" + imp.module + "\" \"" + imp.field + "\" at offset " +
               proto::wasm::hex_offset(imp.offset) +
               ": WASI preview 1 has only sock_accept, "
               "sock_recv, sock_send and sock_shutdown; a runtime will refuse to instantiate "
               "the module (unknown import)";
    f.evidence = {{"import_module", imp.module},
                  {"import_field", imp.field},
                  {"offset", proto::wasm::hex_offset(imp.offset)}};
    f.remedy = {
        "Import WASIX socket calls from \"wasix_32v1\" (\"wasix_64v1\" for wasm64) and "
        "run the module on a WASIX runtime"};
    return f;
}

// Largest function body the walk keeps in memory (about 32 bytes per instruction).
constexpr std::size_t kMaxWalkedBody = std::size_t{16} << 20;

bool is_error(proto::wasm::DecodeErrorKind kind) {
    return kind == proto::wasm::DecodeErrorKind::malformed;
}

// The module's direct call graph, read once for modules with socket imports.
struct CallGraph {
    std::vector<std::vector<std::uint32_t>> callees;  // by body index, deduplicated
    std::vector<bool> reaches_socket;                 // by function index
    std::vector<bool> calls_socket;                   // directly, by function index
    std::vector<bool> has_reaching_caller;            // by function index
};

void mark_reaching(const proto::wasm::Module& module, CallGraph& g,
                   const std::vector<bool>& is_target) {
    const std::uint32_t n = module.function_count();
    g.reaches_socket.assign(n, false);
    g.calls_socket.assign(n, false);
    g.has_reaching_caller.assign(n, false);
    std::vector<std::vector<std::uint32_t>> callers(n);
    std::vector<std::uint32_t> work;
    for (std::uint32_t b = 0; b < g.callees.size(); ++b) {
        const std::uint32_t f = module.imported_functions + b;
        for (std::uint32_t c : g.callees[b]) {
            if (c >= n) continue;
            callers[c].push_back(f);
            if (is_target[c] && !g.calls_socket[f]) {
                g.calls_socket[f] = true;
                g.reaches_socket[f] = true;
                work.push_back(f);
            }
        }
    }
    while (!work.empty()) {
        const std::uint32_t f = work.back();
        work.pop_back();
        for (std::uint32_t caller : callers[f]) {
            if (caller != f) g.has_reaching_caller[f] = true;
            if (!g.reaches_socket[caller]) {
                g.reaches_socket[caller] = true;
                work.push_back(caller);
            }
        }
    }
}

// Socket call sites of one function, for the coverage tally.
void list_sites(const proto::wasm::Module& module, std::uint32_t index,
                const proto::wasm::DecodedBody& body, const std::vector<bool>& is_target,
                CoverageTally& tally) {
    for (const proto::wasm::Instr& in : body.instrs) {
        if ((in.op != proto::wasm::op::call && in.op != proto::wasm::op::return_call) ||
            static_cast<std::uint64_t>(in.a) >= is_target.size() ||
            !is_target[static_cast<std::size_t>(in.a)]) {
            continue;
        }
        const proto::wasm::Import* imp = module.function_import(static_cast<std::uint32_t>(in.a));
        tally.add_site(index, in.offset, imp ? imp->field : std::string());
    }
}

}  // namespace

Finding unreadable_module_finding(const proto::DecodeError& error) {
    auto f = make_wasm_finding("ND-WASM-010",
                               is_error(error.kind) ? Severity::error : Severity::warning, {});
    switch (error.kind) {
        case proto::wasm::DecodeErrorKind::malformed:
            f.title = "Malformed WebAssembly module";
            break;
        case proto::wasm::DecodeErrorKind::unsupported:
            f.title = "WebAssembly feature not supported by the lint";
            break;
        case proto::wasm::DecodeErrorKind::limit:
            f.title = "WebAssembly module exceeds a limit of the lint";
            break;
    }
    f.detail = error.message;
    f.evidence = {{"offset", proto::wasm::hex_offset(error.offset)},
                  {"kind", error.kind == proto::wasm::DecodeErrorKind::malformed     ? "malformed"
                           : error.kind == proto::wasm::DecodeErrorKind::unsupported ? "unsupported"
                                                                                     : "limit"}};
    switch (error.kind) {
        case proto::wasm::DecodeErrorKind::malformed:
            f.remedy = {
                "Check the file with `wasm-objdump -h FILE` or `wasm-validate FILE` "
                "(Debian package wabt)",
                "Rebuild the module; a truncated file often comes from an interrupted "
                "copy or download"};
            break;
        case proto::wasm::DecodeErrorKind::unsupported:
            f.remedy = {
                "Lint the core modules inside a component, or build without the "
                "proposal named in the detail"};
            break;
        case proto::wasm::DecodeErrorKind::limit:
            f.remedy = {"Review this function's socket calls by hand: wasm-objdump -d FILE"};
            break;
    }
    return f;
}

LintResult lint_module(const proto::wasm::Module& module, const std::function<bool()>& cancelled) {
    LintResult result;
    std::vector<std::optional<SocketImportInfo>> socket_imports(module.imported_functions);
    std::vector<bool> is_target(module.function_count(), false);
    for (std::uint32_t i = 0; i < module.imported_functions; ++i) {
        const proto::wasm::Import* imp = module.function_import(i);
        auto info = classify_socket_import(imp->module, imp->field);
        if (!info) continue;
        ++result.socket_imports;
        if (!module_provides(imp->module, imp->field)) {
            result.findings.push_back(import_not_provided(*imp));
        }
        socket_imports[i] = info;
        is_target[i] = info->call != SocketCall::other;
    }
    if (module.name_section_error) {
        const auto e = proto::decode_error(*module.name_section_error);
        Finding f = unreadable_module_finding(e);
        f.severity = Severity::warning;
        f.title = "Malformed name section (function names not used)";
        result.findings.push_back(std::move(f));
    }

    // Decode every body once (checking it); with socket imports, keep the direct call graph.
    const bool sockets = result.socket_imports > 0;
    CallGraph graph;
    if (sockets) graph.callees.resize(module.bodies.size());
    std::vector<bool> broken(module.bodies.size(), false);
    std::vector<std::optional<PassiveCall>> passive(sockets ? module.bodies.size() : 0);
    constexpr std::size_t kMaxBodyFindings = 5;
    std::size_t broken_bodies = 0, last_body_finding = 0;
    proto::wasm::BodyOutline outline;
    for (std::uint32_t b = 0; b < module.bodies.size(); ++b) {
        if (cancelled && (b % 256) == 0 && cancelled()) {
            result.cancelled = true;
            return result;
        }
        const std::uint32_t index = module.imported_functions + b;
        try {
            ++result.functions;
            if (!sockets) {
                (void)proto::wasm::body_calls_any(module, module.bodies[b], is_target);
                continue;
            }
            proto::wasm::outline_body(module, module.bodies[b], outline);
            std::vector<std::uint32_t>& callees = graph.callees[b];
            callees.reserve(outline.calls.size());
            for (const auto& call : outline.calls) callees.push_back(call.callee);
            std::sort(callees.begin(), callees.end());
            callees.erase(std::unique(callees.begin(), callees.end()), callees.end());
            passive[b] = passive_call(module, index, outline);
        } catch (const proto::wasm::DecodeFailure& e) {
            // A body the decoder refuses: report it, keep linting the other functions.
            broken[b] = true;
            const std::string name = module.function_display_name(index);
            const proto::DecodeError pe{
                e.offset(),
                "section 10 (code) body " + std::to_string(b) + " (" + name + "): " + e.what(),
                e.kind()};
            // One finding per broken body, up to a few: past that the module is junk.
            if (++broken_bodies <= kMaxBodyFindings) {
                Finding f = unreadable_module_finding(pe);
                f.evidence["function"] = name;
                f.evidence["function_index"] = index;
                result.findings.push_back(std::move(f));
            } else {
                result.findings[last_body_finding].evidence["more_bodies_with_errors"] =
                    broken_bodies - kMaxBodyFindings;
            }
            if (broken_bodies == kMaxBodyFindings) last_body_finding = result.findings.size() - 1;
        }
    }
    if (!sockets) return result;

    mark_reaching(module, graph, is_target);
    ModuleView view(module, socket_imports, graph.reaches_socket);
    for (std::uint32_t b = 0; b < module.bodies.size(); ++b) {
        const std::uint32_t index = module.imported_functions + b;
        if (!graph.calls_socket[index] || broken[b]) continue;
        ++result.socket_functions;
        if (module.bodies[b].code.size() > kMaxWalkedBody) {
            // Keeping every instruction of a body this size would cost gigabytes.
            result.not_analysed.push_back(
                module.function_display_name(index) + " (function " + std::to_string(index) +
                "): not walked: body of " + std::to_string(module.bodies[b].code.size()) +
                " bytes is larger than " + std::to_string(kMaxWalkedBody));
            continue;
        }
        list_sites(module, index, *view.body(index), is_target, result.coverage);
    }
    result.socket_calls = result.coverage.calls().size();

    // Walk from each root: a function reaching socket calls that no such function calls. Then
    // walk on its own any function calling sockets that no walk went through (a cycle, an
    // indirect caller, a walk that stopped early), with its parameters unknown.
    // By function index: walked to its end by some walk (or standing in a shared one); a root.
    std::vector<bool> covered(module.function_count(), false),
        roots(module.function_count(), false);
    std::size_t covered_count = 0;
    auto cover = [&](std::uint32_t index) {
        if (index < covered.size() && !covered[index]) {
            covered[index] = true;
            ++covered_count;
        }
    };
    std::set<std::tuple<std::string, std::uint32_t, std::string>> reported;
    SharedWalks shared;
    auto walk = [&](std::uint32_t root) {
        const std::optional<PassiveCall>& call = passive[root - module.imported_functions];
        if (call && shared.covered(*call)) {
            // Its walk would meet what an earlier one met (shared_walks.hpp) and end.
            roots[root] = true;
            cover(root);
            ++result.walks_shared;
            return;
        }
        WalkFacts facts = walk_from(view, root);
        if (call) shared.record(*call, facts);
        roots[root] = true;
        ++result.walks;
        result.instructions += facts.steps;
        for (std::uint32_t index : facts.completed) cover(index);
        for (auto& why : facts.stopped) result.not_analysed.push_back(std::move(why));
        result.coverage.add_walk(facts);
        std::vector<Finding> found;
        check_walk(module, facts, found);
        for (Finding& f : found) {
            // One finding per check and call site, however many walks reach it.
            const auto key = std::make_tuple(f.id, f.evidence.value("function_index", 0u),
                                             f.evidence.value("offset", std::string()));
            if (reported.insert(key).second) result.findings.push_back(std::move(f));
        }
    };
    auto walkable = [&](std::uint32_t index) {
        const std::uint32_t b = index - module.imported_functions;
        return !broken[b] && module.bodies[b].code.size() <= kMaxWalkedBody;
    };
    for (std::uint32_t b = 0; b < module.bodies.size() && !result.cancelled; ++b) {
        const std::uint32_t index = module.imported_functions + b;
        if (!graph.reaches_socket[index] || graph.has_reaching_caller[index] || !walkable(index))
            continue;
        if (cancelled && cancelled()) result.cancelled = true;
        walk(index);
    }
    for (std::uint32_t b = 0; b < module.bodies.size() && !result.cancelled; ++b) {
        const std::uint32_t index = module.imported_functions + b;
        if (!graph.calls_socket[index] || covered[index] || roots[index] || !walkable(index)) {
            continue;
        }
        if (cancelled && cancelled()) result.cancelled = true;
        walk(index);
    }
    result.functions_followed = covered_count;
    result.coverage.finish("no walk reached this call (the walk stopped before it)");
    return result;
}

}  // namespace netdiag::probes::wasi_af
