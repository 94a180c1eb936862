// The active power plan (PowerGetActiveScheme) and its USB selective-suspend setting. A call
// that fails leaves the plan undecided with the call and its code, never a guess.
// powrprof.dll is loaded at run time: Wine 8's exports neither PowerReadACValueIndex nor
// PowerReadDCValueIndex, and a static import of them would stop netdiag.exe from starting.
#include "platform/windows/win_internal.hpp"

#include <cstdio>
#include <optional>

namespace netdiag::platform::windows {
namespace {

// The USB settings subgroup and its "USB selective suspend setting" (0 disabled, 1 enabled).
constexpr GUID kUsbSubgroup = {
    0x2a737441, 0x1930, 0x4402, {0x8d, 0x77, 0xb2, 0xbe, 0xbb, 0xa3, 0x08, 0xa3}};
constexpr GUID kUsbSelectiveSuspend = {
    0x48e6b7a6, 0x50f5, 0x4782, {0xa5, 0xd4, 0x53, 0xbb, 0x8f, 0x07, 0xe2, 0x26}};

std::string guid_text(const GUID& g) {
    char text[40];
    std::snprintf(text, sizeof text, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  static_cast<unsigned long>(g.Data1), g.Data2, g.Data3, g.Data4[0], g.Data4[1],
                  g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
    return text;
}

using GetActiveSchemeFn = DWORD(WINAPI*)(HKEY, GUID**);
using ReadFriendlyNameFn = DWORD(WINAPI*)(HKEY, const GUID*, const GUID*, const GUID*, UCHAR*,
                                          DWORD*);
using ReadValueIndexFn = DWORD(WINAPI*)(HKEY, const GUID*, const GUID*, const GUID*, DWORD*);

// The detour through void(*)() converts FARPROC without -Wcast-function-type complaining.
template <typename Function>
Function power_function(HMODULE module, const char* name) {
    FARPROC proc = GetProcAddress(module, name);
    return proc == nullptr ? nullptr
                           : reinterpret_cast<Function>(reinterpret_cast<void (*)()>(proc));
}

std::string friendly_name(HMODULE module, const GUID& scheme) {
    auto read = power_function<ReadFriendlyNameFn>(module, "PowerReadFriendlyName");
    DWORD size = 0;
    if (read == nullptr ||
        read(nullptr, &scheme, nullptr, nullptr, nullptr, &size) != ERROR_SUCCESS || size == 0 ||
        size > 4096) {
        return {};
    }
    std::wstring name(size / sizeof(wchar_t) + 1, L'\0');
    if (read(nullptr, &scheme, nullptr, nullptr, reinterpret_cast<UCHAR*>(name.data()), &size) !=
        ERROR_SUCCESS) {
        return {};
    }
    return to_utf8(name.c_str());
}

// One of the plan's values for the USB setting; failures are added to `error`.
std::optional<unsigned> usb_suspend_value(HMODULE module, const char* call, const GUID& scheme,
                                          std::string& error) {
    auto read = power_function<ReadValueIndexFn>(module, call);
    auto note = [&](const std::string& what) {
        if (!error.empty()) error += "; ";
        error += what;
    };
    if (read == nullptr) {
        note(std::string(call) + ": not exported by powrprof.dll");
        return std::nullopt;
    }
    DWORD value = 0;
    const DWORD status = read(nullptr, &scheme, &kUsbSubgroup, &kUsbSelectiveSuspend, &value);
    if (status != ERROR_SUCCESS) {
        note(describe_call_failure(call, status));
        return std::nullopt;
    }
    return static_cast<unsigned>(value);
}

}  // namespace

PowerPlan read_power_plan() {
    PowerPlan plan;
    HMODULE module = LoadLibraryExW(L"powrprof.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (module == nullptr) {
        plan.error = describe_call_failure("LoadLibraryExW powrprof.dll", GetLastError());
        return plan;
    }
    auto get_active = power_function<GetActiveSchemeFn>(module, "PowerGetActiveScheme");
    GUID* active = nullptr;
    const DWORD status =
        get_active == nullptr ? ERROR_PROC_NOT_FOUND : get_active(nullptr, &active);
    if (status != ERROR_SUCCESS || active == nullptr) {
        plan.error = describe_call_failure("PowerGetActiveScheme", status);
        FreeLibrary(module);
        return plan;
    }
    const GUID scheme = *active;
    LocalFree(active);
    plan.scheme_guid = guid_text(scheme);
    plan.scheme_name = friendly_name(module, scheme);
    plan.usb_selective_suspend_ac =
        usb_suspend_value(module, "PowerReadACValueIndex", scheme, plan.error);
    plan.usb_selective_suspend_dc =
        usb_suspend_value(module, "PowerReadDCValueIndex", scheme, plan.error);
    FreeLibrary(module);
    return plan;
}

}  // namespace netdiag::platform::windows
