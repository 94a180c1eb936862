// RSA-OAEP (SHA-1) through CryptoAPI. CNG's BCryptEncrypt with OAEP is not implemented under
// Wine, while CryptEncrypt(CRYPT_OAEP) works on Windows and Wine alike. CryptoAPI uses SHA-1
// for OAEP and writes the ciphertext little-endian, so the bytes are reversed at the end.
#include <windows.h>

#include <wincrypt.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "netdiag/rsa_oaep.hpp"

namespace netdiag::platform {
namespace {

std::string win_error(const char* call) {
    const DWORD code = GetLastError();
    char text[256] = {};
    const DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, 0, text, sizeof text, nullptr);
    std::string message(text, n);
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
        message.pop_back();
    }
    // CryptoAPI reports HRESULT-style codes (0x8009310B CRYPT_E_ASN1_BADTAG): show those in hex.
    char number[16];
    std::snprintf(number, sizeof number, code > 0xffff ? "0x%08lX" : "%lu",
                  static_cast<unsigned long>(code));
    return std::string(call) + ": error " + number + (message.empty() ? "" : " " + message);
}

// Owns the handles for one encryption, released in reverse order of acquisition.
struct CryptoHandles {
    HCRYPTPROV provider = 0;
    HCRYPTKEY key = 0;
    CERT_PUBLIC_KEY_INFO* info = nullptr;
    ~CryptoHandles() {
        if (key) CryptDestroyKey(key);
        if (provider) CryptReleaseContext(provider, 0);
        if (info) LocalFree(info);
    }
};

}  // namespace

RsaOaepResult rsa_oaep_sha1_encrypt(std::span<const std::uint8_t> public_key_der,
                                    std::span<const std::uint8_t> plaintext) {
    RsaOaepResult result;
    CryptoHandles h;
    DWORD info_size = 0;
    if (!CryptDecodeObjectEx(X509_ASN_ENCODING, X509_PUBLIC_KEY_INFO, public_key_der.data(),
                             static_cast<DWORD>(public_key_der.size()), CRYPT_DECODE_ALLOC_FLAG,
                             nullptr, &h.info, &info_size)) {
        result.error = win_error("CryptDecodeObjectEx (server public key)");
        return result;
    }
    if (!CryptAcquireContextW(&h.provider, nullptr, nullptr, PROV_RSA_AES, CRYPT_VERIFYCONTEXT)) {
        result.error = win_error("CryptAcquireContext");
        return result;
    }
    if (!CryptImportPublicKeyInfo(h.provider, X509_ASN_ENCODING, h.info, &h.key)) {
        result.error = win_error("CryptImportPublicKeyInfo");
        return result;
    }
    // First call with no buffer asks for the ciphertext size (the modulus size).
    DWORD size = static_cast<DWORD>(plaintext.size());
    if (!CryptEncrypt(h.key, 0, TRUE, CRYPT_OAEP, nullptr, &size, 0)) {
        result.error = win_error("CryptEncrypt (size)");
        return result;
    }
    std::vector<std::uint8_t> buffer(std::max<std::size_t>(size, plaintext.size()));
    std::copy(plaintext.begin(), plaintext.end(), buffer.begin());
    DWORD length = static_cast<DWORD>(plaintext.size());
    if (!CryptEncrypt(h.key, 0, TRUE, CRYPT_OAEP, buffer.data(), &length,
                      static_cast<DWORD>(buffer.size()))) {
        result.error = win_error("CryptEncrypt");
        return result;
    }
    buffer.resize(length);
    std::reverse(buffer.begin(), buffer.end());
    result.ciphertext = std::move(buffer);
    return result;
}

}  // namespace netdiag::platform
