#include "probes/wasi_af/wasi_af_probe.hpp"
#include "probes/wasi_af/wasi_af_options.hpp"

#include <chrono>

#include "probes/wasi_af/coverage.hpp"
#include "probes/wasi_af/lint.hpp"
#include "probes/wasi_af/lint_checks.hpp"
#include "probes/wasi_af/module_inputs.hpp"

namespace netdiag::probes::wasi_af {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Finding input_problem(const std::string& path, const std::string& why, bool tool_missing) {
    auto f = probes::wasi_af::make_wasm_finding("ND-WASM-011", Severity::error, {});
    f.title = tool_missing ? "Cannot convert WebAssembly text: wat2wasm is not installed"
                           : "Cannot read WebAssembly input " + path;
    f.detail = path + ": " + why;
    f.evidence = {{"file", path}};
    f.remedy = tool_missing
                   ? std::vector<std::string>{"Install wabt (Debian: apt-get install wabt) or "
                                              "pass the compiled .wasm instead"}
                   : std::vector<std::string>{"Check the path given to --wasm; a folder is "
                                              "scanned for *.wasm files"};
    return f;
}

Finding not_fully_linted(const std::string& path, const probes::wasi_af::LintResult& r) {
    auto f = probes::wasi_af::make_wasm_finding("ND-WASM-012", Severity::info, {});
    f.evidence = {{"file", path}};
    if (r.socket_imports == 0) {
        f.title = "Module imports no WASI/WASIX socket functions: nothing to lint";
        f.detail = path +
                   ": no import of sock_* from wasix_32v1, wasix_64v1 or "
                   "wasi_snapshot_preview1";
        f.remedy = {
            "Nothing to do if the module does not use sockets; WASI preview 2 "
            "components (wasi:sockets) are not covered by this lint"};
        return f;
    }
    f.title = "Some functions were not fully analysed";
    f.detail = path + ": " + std::to_string(r.not_analysed.size()) +
               " function(s) were not walked to their end (an instruction the lint does not "
               "model, or a limit); their socket calls after that point were not checked";
    f.evidence["functions"] = r.not_analysed;
    if (r.cancelled) f.evidence["cancelled"] = true;
    f.remedy = {"Review the socket calls in these functions by hand (wasm-objdump -d FILE)"};
    return f;
}

class WasiAfProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& ctx) override {
        ProbeResult result;
        const auto& paths = ctx.options().get<WasiAfOptions>().paths;
        if (paths.empty()) {
            result.status = ProbeStatus::skip;
            result.reason = "no module to lint: pass --wasm FILE... (.wasm, .wat, or a folder)";
            return result;
        }
        // Reading a large module keeps a core busy for seconds: not while another probe
        // measures throughput.
        const auto alongside = ctx.work_alongside();
        nlohmann::json files = nlohmann::json::array();
        std::size_t total_bytes = 0;
        const auto started = Clock::now();
        for (const probes::wasi_af::ModuleInput& input : probes::wasi_af::expand_inputs(paths)) {
            if (ctx.cancelled()) {
                result.status = ProbeStatus::error;
                result.reason = "deadline reached before every module was linted";
                break;
            }
            if (!input.problem.empty()) {
                add(result, input_problem(input.path, input.problem, false), input.path);
                continue;
            }
            ctx.progress("linting " + input.path);
            files.push_back(lint_file(ctx, input, result, total_bytes));
        }
        const double total_ms = ms_since(started);
        result.measurements["files"] = files;
        result.measurements["bytes"] = total_bytes;
        result.measurements["elapsed_ms"] = total_ms;
        if (total_ms > 0) {
            result.measurements["mb_per_s"] = (total_bytes / 1e6) / (total_ms / 1e3);
        }
        return result;
    }

private:
    static void add(ProbeResult& result, Finding f, const std::string& path) {
        if (!f.evidence.contains("file")) {
            nlohmann::json e = {{"file", path}};
            e.update(f.evidence);
            f.evidence = std::move(e);
        }
        result.findings.push_back(std::move(f));
    }

    nlohmann::json lint_file(ProbeContext& ctx, const probes::wasi_af::ModuleInput& input,
                             ProbeResult& result, std::size_t& total_bytes) {
        nlohmann::json m = {{"file", input.path}};
        auto t0 = Clock::now();
        probes::wasi_af::LoadedModule loaded = probes::wasi_af::load_module(input, ctx.deadline());
        m["load_ms"] = ms_since(t0);
        if (!loaded.error.empty()) {
            add(result, input_problem(input.path, loaded.error, loaded.tool_missing), input.path);
            m["error"] = loaded.error;
            return m;
        }
        total_bytes += loaded.size;
        m["bytes"] = loaded.size;
        t0 = Clock::now();
        const auto parsed = proto::wasm::read_module(loaded.bytes());
        m["parse_ms"] = ms_since(t0);
        if (!parsed) {
            Finding f = probes::wasi_af::unreadable_module_finding(parsed.error());
            f.detail = input.path + ": " + f.detail;
            add(result, std::move(f), input.path);
            m["error"] = parsed.error().message;
            return m;
        }
        const proto::wasm::Module& module = parsed.value();
        t0 = Clock::now();
        probes::wasi_af::LintResult lint =
            probes::wasi_af::lint_module(module, [&ctx] { return ctx.cancelled(); });
        m["lint_ms"] = ms_since(t0);
        m["sections"] = module.sections.size();
        m["functions"] = lint.functions;
        m["socket_imports"] = lint.socket_imports;
        m["socket_functions"] = lint.socket_functions;
        m["socket_calls"] = lint.socket_calls;
        m["socket_calls_judged"] = lint.coverage.judged();
        m["socket_calls_not_judged"] = lint.coverage.not_judged();
        m["walks"] = lint.walks;
        m["walks_shared"] = lint.walks_shared;
        m["functions_followed"] = lint.functions_followed;
        m["instructions_walked"] = lint.instructions;
        if (lint.socket_calls > 0) m["calls"] = lint.coverage.to_json(module, 200);
        if (lint.cancelled) {
            result.status = ProbeStatus::error;
            result.reason = "deadline reached while linting " + input.path;
        }
        for (Finding& f : lint.findings) {
            if (f.id == "ND-WASM-010") f.detail = input.path + ": " + f.detail;
            add(result, std::move(f), input.path);
        }
        if (lint.coverage.not_judged() > 0) {
            add(result, probes::wasi_af::not_judged_finding(module, lint.coverage), input.path);
        }
        const bool nothing_to_lint = lint.socket_imports == 0 && lint.findings.empty();
        if (nothing_to_lint || !lint.not_analysed.empty()) {
            add(result, not_fully_linted(input.path, lint), input.path);
        }
        return m;
    }
};

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<WasiAfProbe>();
}

}  // namespace netdiag::probes::wasi_af
