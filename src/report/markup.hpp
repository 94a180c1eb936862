// Escaping for the XML and HTML writers. Report text comes from the OS and from peers (adapter
// names, SPICE bytes), so it may hold control characters or invalid UTF-8 that would make the
// document unreadable to a strict XML parser; these helpers make any bytes safe to embed.
#pragma once

#include <string>
#include <string_view>

namespace netdiag {

// Valid UTF-8 with every invalid sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// Text safe inside XML/HTML element content and double- or single-quoted attribute values:
// valid UTF-8, & < > " ' escaped, and characters XML 1.0 forbids (C0 controls other than tab,
// newline and carriage return) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace netdiag
