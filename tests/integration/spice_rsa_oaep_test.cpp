// RSA-OAEP for the SPICE ticket: the platform's encryption must decrypt with OpenSSL's command
// line tool under OAEP/SHA-1, the padding spice-server uses. (QEMU accepting the ticket is the
// end-to-end check in spice_qemu_test.cpp.)
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include "netdiag/rsa_oaep.hpp"
#include "run_binary.hpp"
#include "spice/mock_spice_server.hpp"

namespace {

const std::string fixtures = NETDIAG_FIXTURES_DIR "/spice/";

}  // namespace

TEST_CASE("rsa_oaep_sha1_encrypt: OpenSSL decrypts the ticket", "[spice][rsa][own-ports]") {
    const auto key = netdiag::test::MockSpiceServer::read_key(fixtures + "test_rsa1024_public.der");
    REQUIRE(key.size() == 162);
    const std::string password = "n3tdiag-pw";
    std::vector<std::uint8_t> plain(password.begin(), password.end());
    plain.push_back(0);

    const auto a = netdiag::platform::rsa_oaep_sha1_encrypt(key, plain);
    const auto b = netdiag::platform::rsa_oaep_sha1_encrypt(key, plain);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a.ciphertext.size() == 128);
    CHECK(a.ciphertext != b.ciphertext);  // OAEP is randomised

    if (std::system("openssl version >/dev/null 2>&1") != 0) {
        NETDIAG_SKIP("openssl",
                     "the openssl command is not installed, so nothing can decrypt to compare");
    }
    const auto dir = std::filesystem::temp_directory_path();
    const auto in = (dir / "netdiag-oaep.bin").string();
    const auto out = (dir / "netdiag-oaep.out").string();
    {
        std::ofstream file(in, std::ios::binary);
        file.write(reinterpret_cast<const char*>(a.ciphertext.data()),
                   static_cast<std::streamsize>(a.ciphertext.size()));
    }
    const auto command = "openssl pkeyutl -decrypt -inkey " + fixtures +
                         "test_rsa1024_private.pem -pkeyopt rsa_padding_mode:oaep "
                         "-pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 -in " +
                         in + " -out " + out;
    CHECK(std::system(command.c_str()) == 0);
    const auto decrypted = netdiag::testing::slurp(out);
    std::filesystem::remove(in);
    std::filesystem::remove(out);
    CHECK(decrypted == std::string(password.c_str(), password.size() + 1));
}

TEST_CASE("rsa_oaep_sha1_encrypt: a key that is not DER says which call failed",
          "[spice][rsa][own-ports]") {
    const std::vector<std::uint8_t> garbage(162, 0x42);
    const std::vector<std::uint8_t> plain{0};
    const auto r = netdiag::platform::rsa_oaep_sha1_encrypt(garbage, plain);
    CHECK_FALSE(r.ok());
    CHECK(r.ciphertext.empty());
    CHECK_THAT(r.error, Catch::Contains("server public key"));
}
