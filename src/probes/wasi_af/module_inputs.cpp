#include "probes/wasi_af/module_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "netdiag/wat_convert.hpp"

namespace netdiag::probes::wasi_af {
namespace fs = std::filesystem;

namespace {

bool has_extension(const fs::path& p, const char* ext) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    return e == ext;
}

}  // namespace

std::vector<ModuleInput> expand_inputs(const std::vector<std::string>& paths) {
    std::vector<ModuleInput> out;
    for (const std::string& path : paths) {
        std::error_code ec;
        const fs::file_status st = fs::status(path, ec);
        if (ec || !fs::exists(st)) {
            out.push_back({path, false, "no such file or folder"});
            continue;
        }
        if (fs::is_directory(st)) {
            std::vector<std::string> found;
            for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
                std::error_code fec;
                if (it->is_regular_file(fec) && has_extension(it->path(), ".wasm")) {
                    found.push_back(it->path().string());
                }
            }
            if (ec) {
                out.push_back({path, false, "cannot list folder: " + ec.message()});
                continue;
            }
            if (found.empty()) out.push_back({path, false, "folder contains no .wasm files"});
            std::sort(found.begin(), found.end());
            for (auto& f : found) out.push_back({std::move(f), false, {}});
            continue;
        }
        out.push_back({path, has_extension(path, ".wat"), {}});
    }
    return out;
}

LoadedModule load_module(const ModuleInput& input, std::chrono::steady_clock::time_point deadline) {
    LoadedModule out;
    if (input.is_text) {
        auto conv = platform::convert_wat_to_wasm(input.path, deadline);
        if (conv.status == platform::WatConversion::Status::ok) {
            out.converted = std::move(conv.wasm);
            out.size = out.converted.size();
        } else {
            out.tool_missing = conv.status == platform::WatConversion::Status::tool_missing;
            out.error = "converting WebAssembly text with wat2wasm: " + conv.message;
        }
        return out;
    }
    out.mapped = platform::MappedFile::open(input.path, out.error);
    out.size = out.mapped.size();
    return out;
}

}  // namespace netdiag::probes::wasi_af
