// Windows: run wat2wasm.exe (found with SearchPath) with its output and errors sent to temporary
// files, wait up to the deadline, then read them back.
#include <algorithm>
#include <fstream>
#include <iterator>

#include "platform/windows/win_internal.hpp"

#include "netdiag/wat_convert.hpp"
#include "platform/child_start_gate.hpp"

namespace netdiag::platform {
namespace {

std::wstring temp_file(const wchar_t* prefix) {
    wchar_t dir[MAX_PATH + 1];
    wchar_t name[MAX_PATH + 1];
    if (GetTempPathW(MAX_PATH, dir) == 0 || GetTempFileNameW(dir, prefix, 0, name) == 0) return {};
    return name;
}

std::vector<std::uint8_t> read_all(const std::wstring& path) {
    std::ifstream in(path.c_str(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

WatConversion convert_wat_to_wasm(const std::string& wat_path,
                                  std::chrono::steady_clock::time_point deadline) {
    WatConversion out;
    wchar_t found[MAX_PATH + 1];
    if (SearchPathW(nullptr, L"wat2wasm.exe", nullptr, MAX_PATH, found, nullptr) == 0) {
        out.status = WatConversion::Status::tool_missing;
        out.message =
            "wat2wasm not found on PATH (install wabt, or convert the file with "
            "`wat2wasm FILE.wat -o FILE.wasm` and pass the .wasm)";
        return out;
    }
    const std::wstring tool = found;
    out.tool = windows::to_utf8(tool);
    const std::wstring wasm_file = temp_file(L"ndw");
    const std::wstring err_file = temp_file(L"nde");
    if (wasm_file.empty() || err_file.empty()) {
        out.message = windows::describe_call_failure("GetTempFileNameW", GetLastError());
        return out;
    }
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE err = CreateFileW(err_file.c_str(), GENERIC_WRITE, FILE_SHARE_READ, &inherit,
                             CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, nullptr);
    if (err == INVALID_HANDLE_VALUE) {
        out.message = windows::describe_call_failure("CreateFileW", GetLastError());
        DeleteFileW(wasm_file.c_str());
        DeleteFileW(err_file.c_str());
        return out;
    }
    std::wstring command = L"\"" + tool + L"\" --debug-names \"" + windows::to_wide(wat_path) +
                           L"\" --output=\"" + wasm_file + L"\"";
    STARTUPINFOW si{};
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = err;
    si.hStdError = err;
    PROCESS_INFORMATION pi{};
    BOOL started = FALSE;
    {
        const auto gate = hold_for_child_start();
        started = CreateProcessW(tool.c_str(), command.data(), nullptr, nullptr, TRUE,
                                 CREATE_NO_WINDOW, nullptr, nullptr, &si, &pi);
    }
    CloseHandle(err);
    if (!started) {
        out.message = windows::describe_call_failure("CreateProcessW", GetLastError());
        DeleteFileW(wasm_file.c_str());
        DeleteFileW(err_file.c_str());
        return out;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const DWORD wait_ms = static_cast<DWORD>(std::max<long long>(0, left.count()));
    const DWORD waited = WaitForSingleObject(pi.hProcess, wait_ms);
    DWORD code = 1;
    if (waited == WAIT_TIMEOUT) {
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 5000);
        out.status = WatConversion::Status::timed_out;
        out.message = "wat2wasm did not finish before the probe's deadline";
    } else {
        GetExitCodeProcess(pi.hProcess, &code);
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    if (out.status != WatConversion::Status::timed_out) {
        if (code == 0) {
            out.status = WatConversion::Status::ok;
            out.wasm = read_all(wasm_file);
        } else {
            const auto text = read_all(err_file);
            out.message.assign(text.begin(),
                               text.begin() + std::min<std::size_t>(text.size(), 4096));
            while (!out.message.empty() &&
                   (out.message.back() == '\n' || out.message.back() == '\r')) {
                out.message.pop_back();
            }
            if (out.message.empty())
                out.message = "wat2wasm failed with exit code " + std::to_string(code);
        }
    }
    DeleteFileW(wasm_file.c_str());
    DeleteFileW(err_file.c_str());
    return out;
}

}  // namespace netdiag::platform
