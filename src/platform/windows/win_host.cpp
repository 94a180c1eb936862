// Host facts on Windows, the snapshot entry point, and the Winsock lifetime.
#include <string>

#include "platform/windows/win_internal.hpp"

namespace netdiag::platform {
namespace windows {
namespace {

// Looks a function up in a loaded system DLL. The detour through void(*)() is the documented
// way to convert FARPROC without -Wcast-function-type complaining.
template <typename Function>
Function system_function(const wchar_t* module, const char* name) {
    HMODULE handle = GetModuleHandleW(module);
    if (handle == nullptr) return nullptr;
    FARPROC proc = GetProcAddress(handle, name);
    if (proc == nullptr) return nullptr;
    return reinterpret_cast<Function>(reinterpret_cast<void (*)()>(proc));
}

// The version the kernel reports. GetVersionEx lies to programs without a manifest (it says
// 6.2); RtlGetVersion does not.
bool kernel_version(RTL_OSVERSIONINFOW& info) {
    using RtlGetVersionFn = LONG(WINAPI*)(RTL_OSVERSIONINFOW*);
    auto rtl_get_version = system_function<RtlGetVersionFn>(L"ntdll.dll", "RtlGetVersion");
    if (rtl_get_version == nullptr) return false;
    info = {};
    info.dwOSVersionInfoSize = sizeof info;
    return rtl_get_version(&info) == 0;
}

// The update build revision (the ".3803" of 19045.3803), which says how patched the host is.
std::string update_build_revision() {
    DWORD value = 0;
    DWORD size = sizeof value;
    const LSTATUS status =
        RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", L"UBR",
                     RRF_RT_REG_DWORD, nullptr, &value, &size);
    return status == ERROR_SUCCESS ? std::to_string(value) : std::string{};
}

// Wine's ntdll exports wine_get_version; Windows' does not.
std::string wine_version() {
    using WineGetVersionFn = const char*(CDECL*)();
    auto get = system_function<WineGetVersionFn>(L"ntdll.dll", "wine_get_version");
    const char* version = get != nullptr ? get() : nullptr;
    return version != nullptr ? version : std::string{};
}

std::string architecture_name(WORD architecture) {
    switch (architecture) {
        case PROCESSOR_ARCHITECTURE_AMD64:
            return "x86_64";
        case PROCESSOR_ARCHITECTURE_ARM64:
            return "aarch64";
        case PROCESSOR_ARCHITECTURE_INTEL:
            return "x86";
        case PROCESSOR_ARCHITECTURE_ARM:
            return "arm";
        default:
            return "unknown";
    }
}

std::string computer_name(std::vector<std::string>& warnings) {
    wchar_t name[256] = {};
    DWORD size = sizeof name / sizeof name[0];
    if (!GetComputerNameExW(ComputerNameDnsHostname, name, &size)) {
        warnings.push_back(describe_call_failure("GetComputerNameExW", GetLastError()));
        return {};
    }
    return to_utf8(std::wstring_view(name, size));
}

}  // namespace

HostFacts read_host_facts(std::vector<std::string>& warnings) {
    HostFacts facts;
    facts.os = "windows";
    RTL_OSVERSIONINFOW info{};
    if (kernel_version(info)) {
        facts.os_version = std::to_string(info.dwMajorVersion) + "." +
                           std::to_string(info.dwMinorVersion) + "." +
                           std::to_string(info.dwBuildNumber);
        const std::string revision = update_build_revision();
        facts.kernel = revision.empty() ? facts.os_version : facts.os_version + "." + revision;
        facts.os_name = "Windows " + facts.os_version;
    } else {
        warnings.push_back("RtlGetVersion: not available");
        facts.os_name = "Windows";
    }
    SYSTEM_INFO system{};
    GetNativeSystemInfo(&system);
    facts.architecture = architecture_name(system.wProcessorArchitecture);
    facts.hostname = computer_name(warnings);
    const std::string wine = wine_version();
    if (!wine.empty()) {
        facts.container = "wine";
        facts.os_name += " (Wine " + wine + ")";
    }
    return facts;
}

}  // namespace windows

std::string_view current_platform() {
    return "windows";
}

HostSnapshot read_host_snapshot() {
    HostSnapshot snapshot;
    snapshot.facts = windows::read_host_facts(snapshot.warnings);
    std::vector<windows::InterfaceMetric> metrics;
    snapshot.interfaces = windows::read_interfaces(snapshot.warnings, metrics);
    snapshot.default_routes =
        windows::read_default_routes(snapshot.interfaces, metrics, snapshot.warnings);
    windows::read_adapter_power(snapshot.interfaces);
    snapshot.power.plan = windows::read_power_plan();
    return snapshot;
}

NetworkLibrary::NetworkLibrary() {
    WSADATA data{};
    const int status = WSAStartup(MAKEWORD(2, 2), &data);
    if (status != 0) error_ = describe_native_error(status);
}

NetworkLibrary::~NetworkLibrary() {
    if (ok()) WSACleanup();
}

}  // namespace netdiag::platform
