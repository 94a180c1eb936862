// RSA-OAEP encryption with a peer's public key, as the SPICE ticket needs it: OAEP with SHA-1
// and MGF1-SHA-1, the key given as a DER SubjectPublicKeyInfo. Linux uses OpenSSL; Windows
// uses CryptoAPI (its CNG OAEP path is missing under Wine).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace netdiag::platform {

struct RsaOaepResult {
    std::vector<std::uint8_t> ciphertext;  // big-endian, the size of the key's modulus
    std::string error;                     // empty on success: "which call failed: why"
    bool ok() const { return error.empty(); }
};

RsaOaepResult rsa_oaep_sha1_encrypt(std::span<const std::uint8_t> public_key_der,
                                    std::span<const std::uint8_t> plaintext);

}  // namespace netdiag::platform
