// Text conversions for the Windows platform layer.
#include <string>

#include "platform/windows/win_internal.hpp"

namespace netdiag::platform::windows {

std::string to_utf8(std::wstring_view text) {
    if (text.empty()) return {};
    const int size = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                                         nullptr, 0, nullptr, nullptr);
    if (size <= 0) return {};
    std::string out(static_cast<size_t>(size), '\0');
    WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size,
                        nullptr, nullptr);
    return out;
}

std::string to_utf8(const wchar_t* text) {
    return text == nullptr ? std::string{} : to_utf8(std::wstring_view(text));
}

std::wstring to_wide(std::string_view utf8) {
    if (utf8.empty()) return {};
    const int n =
        MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    if (n <= 0) return {};
    std::wstring out(static_cast<std::size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string family_name(int family) {
    if (family == AF_INET) return "ipv4";
    if (family == AF_INET6) return "ipv6";
    return {};
}

std::string address_text(const sockaddr* address) {
    if (address == nullptr) return {};
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (address->sa_family == AF_INET) {
        raw = &reinterpret_cast<const sockaddr_in*>(address)->sin_addr;
    } else if (address->sa_family == AF_INET6) {
        raw = &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    } else {
        return {};
    }
    if (inet_ntop(address->sa_family, raw, text, sizeof text) == nullptr) return {};
    return text;
}

std::string describe_call_failure(std::string_view call, unsigned long code) {
    return std::string(call) + ": " + describe_native_error(static_cast<int>(code)).describe();
}

}  // namespace netdiag::platform::windows
