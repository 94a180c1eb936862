// The result of decoding: a value, or a precise reason with the byte offset where it failed.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace netdiag::spice {

struct ParseError {
    std::string message;     // "CHANNELS_LIST: 3 entries need 10 bytes, body has 8"
    std::size_t offset = 0;  // where in the input the problem starts
};

template <class T>
class Parsed {
public:
    Parsed(T value) : state_(std::move(value)) {}
    Parsed(ParseError error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<T>(state_); }
    T& value() { return std::get<T>(state_); }
    const ParseError& error() const { return std::get<ParseError>(state_); }

private:
    std::variant<T, ParseError> state_;
};

inline ParseError parse_error(std::string message, std::size_t offset = 0) {
    return ParseError{std::move(message), offset};
}

}  // namespace netdiag::spice
