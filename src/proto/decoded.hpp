// What every decoder in src/proto returns: the decoded value, or where and why decoding
// stopped. One type for the wasm reader, the SPICE messages and Zenoh scouting, so the probes,
// the fuzz targets and the tests read every codec's outcome the same way.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace netdiag::proto {

enum class DecodeErrorKind {
    malformed,    // the bytes break the format's rules
    unsupported,  // well-formed, in a part of the format netdiag does not decode
    limit,        // past a bound netdiag keeps to stay safe on hostile input
};

struct DecodeError {
    std::size_t offset = 0;  // where in the input the problem starts
    std::string message;     // "CHANNELS_LIST: 3 entries need 10 bytes, body has 8"
    DecodeErrorKind kind = DecodeErrorKind::malformed;

    // "offset 3: locator 1 length 200 exceeds 12 remaining bytes"
    std::string describe() const { return "offset " + std::to_string(offset) + ": " + message; }
};

inline DecodeError decode_error(std::string message, std::size_t offset = 0,
                                DecodeErrorKind kind = DecodeErrorKind::malformed) {
    return DecodeError{offset, std::move(message), kind};
}

template <class T>
class Decoded {
public:
    Decoded(T value) : state_(std::move(value)) {}
    Decoded(DecodeError error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<T>(state_); }
    T& value() { return std::get<T>(state_); }
    const DecodeError& error() const { return std::get<DecodeError>(state_); }

private:
    std::variant<T, DecodeError> state_;
};

}  // namespace netdiag::proto
