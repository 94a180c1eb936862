// RSA-OAEP (SHA-1) through OpenSSL's EVP interface.
#include <memory>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "netdiag/rsa_oaep.hpp"

namespace netdiag::platform {
namespace {

std::string openssl_error(const char* call) {
    const unsigned long code = ERR_get_error();
    char text[256] = "no OpenSSL error queued";
    if (code != 0) ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return std::string(call) + ": " + text;
}

struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CtxFree {
    void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

}  // namespace

RsaOaepResult rsa_oaep_sha1_encrypt(std::span<const std::uint8_t> public_key_der,
                                    std::span<const std::uint8_t> plaintext) {
    RsaOaepResult result;
    const unsigned char* cursor = public_key_der.data();
    std::unique_ptr<EVP_PKEY, PkeyFree> key(
        d2i_PUBKEY(nullptr, &cursor, static_cast<long>(public_key_der.size())));
    if (!key) {
        result.error = openssl_error("d2i_PUBKEY (server public key)");
        return result;
    }
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0) {
        result.error = openssl_error("EVP_PKEY_encrypt_init");
        return result;
    }
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) <= 0) {
        result.error = openssl_error("EVP_PKEY_CTX_set_rsa_padding (OAEP, SHA-1)");
        return result;
    }
    std::size_t size = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &size, plaintext.data(), plaintext.size()) <= 0) {
        result.error = openssl_error("EVP_PKEY_encrypt (size)");
        return result;
    }
    result.ciphertext.resize(size);
    if (EVP_PKEY_encrypt(ctx.get(), result.ciphertext.data(), &size, plaintext.data(),
                         plaintext.size()) <= 0) {
        result.ciphertext.clear();
        result.error = openssl_error("EVP_PKEY_encrypt");
        return result;
    }
    result.ciphertext.resize(size);
    return result;
}

}  // namespace netdiag::platform
