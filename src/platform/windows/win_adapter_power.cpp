// Each adapter's power management as the registry keeps it: its key under the network device
// class, found by NetCfgInstanceId (the adapter's GUID, GetAdaptersAddresses' AdapterName),
// with PnPCapabilities ("Allow the computer to turn off this device") and the driver's
// power-related advanced properties (*SelectiveSuspend, *SSIdleTimeout, *EEE, …) as stored.
#include "platform/windows/win_internal.hpp"

#include <algorithm>
#include <cstring>
#include <cwctype>
#include <map>

namespace netdiag::platform::windows {
namespace {

constexpr const wchar_t* kNetClassKey =
    L"SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e972-e325-11ce-bfc1-08002be10318}";
constexpr const char* kNetClassKeyText =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e972-e325-11ce-bfc1-08002be10318}";

class Key {
public:
    Key() = default;
    ~Key() {
        if (key_ != nullptr) RegCloseKey(key_);
    }
    Key(const Key&) = delete;
    Key& operator=(const Key&) = delete;
    LSTATUS open(HKEY parent, const std::wstring& path) {
        return RegOpenKeyExW(parent, path.c_str(), 0, KEY_READ, &key_);
    }
    HKEY get() const { return key_; }

private:
    HKEY key_ = nullptr;
};

std::wstring lower(std::wstring text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](wchar_t c) { return static_cast<wchar_t>(std::towlower(c)); });
    return text;
}

std::wstring string_value(HKEY key, const wchar_t* name) {
    wchar_t value[256] = {};
    DWORD size = sizeof value;
    if (RegGetValueW(key, nullptr, name, RRF_RT_REG_SZ, nullptr, value, &size) != ERROR_SUCCESS) {
        return {};
    }
    return value;
}

// adapter GUID (lower case) → class subkey ("0007"). Failures to open the class key go to
// `error`; subkeys that are not adapters (no NetCfgInstanceId, "Properties") are skipped.
std::map<std::wstring, std::wstring> keys_by_instance_id(std::string& error) {
    std::map<std::wstring, std::wstring> keys;
    Key cls;
    const LSTATUS status = cls.open(HKEY_LOCAL_MACHINE, kNetClassKey);
    if (status != ERROR_SUCCESS) {
        error = describe_call_failure(std::string("RegOpenKeyExW ") + kNetClassKeyText,
                                      static_cast<unsigned long>(status));
        return keys;
    }
    for (DWORD index = 0;; ++index) {
        wchar_t name[256] = {};
        DWORD length = sizeof name / sizeof name[0];
        const LSTATUS next =
            RegEnumKeyExW(cls.get(), index, name, &length, nullptr, nullptr, nullptr, nullptr);
        if (next == ERROR_NO_MORE_ITEMS) break;
        if (next != ERROR_SUCCESS) continue;
        Key sub;
        if (sub.open(cls.get(), name) != ERROR_SUCCESS) continue;
        const auto id = string_value(sub.get(), L"NetCfgInstanceId");
        if (!id.empty()) keys.emplace(lower(id), name);
    }
    return keys;
}

std::string type_name(DWORD type) {
    switch (type) {
        case REG_SZ:
            return "REG_SZ";
        case REG_EXPAND_SZ:
            return "REG_EXPAND_SZ";
        case REG_DWORD:
            return "REG_DWORD";
        case REG_QWORD:
            return "REG_QWORD";
        case REG_MULTI_SZ:
            return "REG_MULTI_SZ";
        case REG_BINARY:
            return "REG_BINARY";
        default:
            return "type " + std::to_string(type);
    }
}

// The value's data as text: strings as they are, numbers in decimal, anything else in hex.
std::string data_text(DWORD type, const BYTE* data, DWORD size) {
    if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ) {
        const auto* text = reinterpret_cast<const wchar_t*>(data);
        std::wstring_view view(text, size / sizeof(wchar_t));
        view = view.substr(0, view.find(L'\0'));
        return to_utf8(view);
    }
    if (type == REG_DWORD && size >= 4) {
        DWORD value = 0;
        std::memcpy(&value, data, sizeof value);
        return std::to_string(value);
    }
    if (type == REG_QWORD && size >= 8) {
        unsigned long long value = 0;
        std::memcpy(&value, data, sizeof value);
        return std::to_string(value);
    }
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (DWORD i = 0; i < size; ++i) {
        hex += digits[data[i] >> 4];
        hex += digits[data[i] & 0xf];
    }
    return hex;
}

void read_key(const std::wstring& subkey, WindowsAdapterPower& power) {
    Key key;
    const auto path = std::wstring(kNetClassKey) + L"\\" + subkey;
    const LSTATUS status = key.open(HKEY_LOCAL_MACHINE, path);
    if (status != ERROR_SUCCESS) {
        power.error = describe_call_failure("RegOpenKeyExW " + to_utf8(subkey),
                                            static_cast<unsigned long>(status));
        return;
    }
    power.class_key = to_utf8(subkey);
    for (DWORD index = 0;; ++index) {
        wchar_t name[256] = {};
        DWORD name_length = sizeof name / sizeof name[0];
        BYTE data[1024] = {};
        DWORD size = sizeof data;
        DWORD type = 0;
        const LSTATUS next =
            RegEnumValueW(key.get(), index, name, &name_length, nullptr, &type, data, &size);
        if (next == ERROR_NO_MORE_ITEMS) break;
        if (next != ERROR_SUCCESS) continue;  // a value larger than any power setting
        const auto value_name = to_utf8(std::wstring_view(name, name_length));
        if (value_name == "PnPCapabilities") {
            // Read as a number whatever its type, as Windows' own reader does.
            if ((type == REG_DWORD && size >= 4)) {
                DWORD value = 0;
                std::memcpy(&value, data, sizeof value);
                power.pnp_capabilities = value;
            }
            continue;
        }
        if (is_power_property(value_name)) {
            power.properties.push_back({value_name, type_name(type), data_text(type, data, size)});
        }
    }
    std::sort(power.properties.begin(), power.properties.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
}

}  // namespace

void read_adapter_power(std::vector<NetInterface>& interfaces) {
    std::string class_error;
    const auto keys = keys_by_instance_id(class_error);
    for (auto& iface : interfaces) {
        if (iface.flags.loopback || iface.name.empty()) continue;
        WindowsAdapterPower power;
        const auto guid = lower(std::wstring(iface.name.begin(), iface.name.end()));
        const auto found = keys.find(guid);
        if (!class_error.empty()) {
            power.error = class_error;
        } else if (found == keys.end()) {
            power.error = "no subkey of " + std::string(kNetClassKeyText) +
                          " has NetCfgInstanceId " + iface.name;
        } else {
            read_key(found->second, power);
        }
        iface.power.windows = std::move(power);
    }
}

}  // namespace netdiag::platform::windows
