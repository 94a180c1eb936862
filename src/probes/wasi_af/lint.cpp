#include "probes/wasi_af/lint.hpp"

#include "probes/wasi_af/function_analysis.hpp"
#include "probes/wasi_af/lint_checks.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::wasi_af {
namespace {

Finding import_not_provided(const wasm::Import& imp) {
    Finding f;
    f.id = "ND-WASM-009";
    f.severity = Severity::error;
    f.probe = probe_id;
    f.title = imp.field + " imported from " + imp.module + ", which does not provide it";
    f.detail = "import \"" + imp.module + "\" \"" + imp.field + "\" at offset " +
               wasm::hex_offset(imp.offset) +
               ": WASI preview 1 has only sock_accept, "
               "sock_recv, sock_send and sock_shutdown; a runtime will refuse to instantiate "
               "the module (unknown import)";
    f.evidence = {{"import_module", imp.module},
                  {"import_field", imp.field},
                  {"offset", wasm::hex_offset(imp.offset)}};
    f.remedy = {
        "Import WASIX socket calls from \"wasix_32v1\" (\"wasix_64v1\" for wasm64) and "
        "run the module on a WASIX runtime"};
    return f;
}

// Largest function body the walk keeps in memory (about 32 bytes per instruction).
constexpr std::size_t max_walked_body = std::size_t{16} << 20;

bool is_error(wasm::DecodeErrorKind kind) {
    return kind == wasm::DecodeErrorKind::malformed;
}

}  // namespace

Finding unreadable_module_finding(const wasm::ParseError& error) {
    Finding f;
    f.id = "ND-WASM-010";
    f.probe = probe_id;
    f.severity = is_error(error.kind) ? Severity::error : Severity::warning;
    switch (error.kind) {
        case wasm::DecodeErrorKind::malformed:
            f.title = "Malformed WebAssembly module";
            break;
        case wasm::DecodeErrorKind::unsupported:
            f.title = "WebAssembly feature not supported by the lint";
            break;
        case wasm::DecodeErrorKind::limit:
            f.title = "WebAssembly module exceeds a limit of the lint";
            break;
    }
    f.detail = error.message;
    f.evidence = {{"offset", wasm::hex_offset(error.offset)},
                  {"kind", error.kind == wasm::DecodeErrorKind::malformed     ? "malformed"
                           : error.kind == wasm::DecodeErrorKind::unsupported ? "unsupported"
                                                                              : "limit"}};
    switch (error.kind) {
        case wasm::DecodeErrorKind::malformed:
            f.remedy = {
                "Check the file with `wasm-objdump -h FILE` or `wasm-validate FILE` "
                "(Debian package wabt)",
                "Rebuild the module; a truncated file often comes from an interrupted "
                "copy or download"};
            break;
        case wasm::DecodeErrorKind::unsupported:
            f.remedy = {
                "Lint the core modules inside a component, or build without the "
                "proposal named in the detail"};
            break;
        case wasm::DecodeErrorKind::limit:
            f.remedy = {"Review this function's socket calls by hand: wasm-objdump -d FILE"};
            break;
    }
    return f;
}

LintResult lint_module(const wasm::Module& module, const std::function<bool()>& cancelled) {
    LintResult result;
    std::vector<std::optional<SocketImportInfo>> socket_imports(module.imported_functions);
    std::vector<bool> is_target(module.function_count(), false);
    for (std::uint32_t i = 0; i < module.imported_functions; ++i) {
        const wasm::Import* imp = module.function_import(i);
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
        wasm::ParseError e{wasm::DecodeErrorKind::malformed, 0, *module.name_section_error};
        Finding f = unreadable_module_finding(e);
        f.severity = Severity::warning;
        f.title = "Malformed name section (function names not used)";
        result.findings.push_back(std::move(f));
    }

    const DataImage data(module);
    wasm::DecodedBody decoded;
    constexpr std::size_t max_body_findings = 5;
    std::size_t broken_bodies = 0, last_body_finding = 0;
    for (std::uint32_t b = 0; b < module.bodies.size(); ++b) {
        if (cancelled && (b % 256) == 0 && cancelled()) {
            result.cancelled = true;
            break;
        }
        const std::uint32_t index = module.imported_functions + b;
        try {
            ++result.functions;
            if (!wasm::body_calls_any(module, module.bodies[b], is_target)) continue;
            if (module.bodies[b].code.size() > max_walked_body) {
                // Keeping every instruction of a body this size would cost gigabytes.
                result.not_analysed.push_back(
                    module.function_display_name(index) + " (function " + std::to_string(index) +
                    "): not walked: body of " + std::to_string(module.bodies[b].code.size()) +
                    " bytes is larger than " + std::to_string(max_walked_body));
                continue;
            }
            wasm::decode_body(module, module.bodies[b], decoded);
        } catch (const wasm::DecodeError& e) {
            // A body the decoder refuses: report it, keep linting the other functions.
            const std::string name = module.function_display_name(index);
            wasm::ParseError pe{
                e.kind(), e.offset(),
                "section 10 (code) body " + std::to_string(b) + " (" + name + "): " + e.what()};
            // One finding per broken body, up to a few: past that the module is junk.
            if (++broken_bodies <= max_body_findings) {
                Finding f = unreadable_module_finding(pe);
                f.evidence["function"] = name;
                f.evidence["function_index"] = index;
                result.findings.push_back(std::move(f));
            } else {
                result.findings[last_body_finding].evidence["more_bodies_with_errors"] =
                    broken_bodies - max_body_findings;
            }
            if (broken_bodies == max_body_findings) last_body_finding = result.findings.size() - 1;
            continue;
        }
        ++result.socket_functions;
        result.instructions += decoded.instrs.size();
        FunctionFacts facts = analyse_function(module, b, decoded, socket_imports, data);
        result.socket_calls += facts.calls.size();
        if (facts.stopped) {
            result.not_analysed.push_back(module.function_display_name(index) + " (function " +
                                          std::to_string(index) + "): stopped: " + *facts.stopped);
        }
        check_function(module, facts, result.findings);
    }
    return result;
}

}  // namespace netdiag::wasi_af
