#include "reports/xml_text.hpp"

#include "util/text.hpp"

#include <cstdio>

namespace cisscan::reports {

namespace {

// Length of a valid UTF-8 sequence at `i` whose code point XML 1.0 allows, else 0: not a
// control character but tab, newline and carriage return, nor U+FFFE or U+FFFF.
size_t allowed_sequence(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    return (c >= 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) ? 1 : 0;
  }
  const auto len = util::utf8_sequence_length(text, i);
  const bool noncharacter = len == 3 && text.substr(i, 2) == "\xEF\xBF" &&
                            (text[i + 2] == '\xBE' || text[i + 2] == '\xBF');
  return noncharacter ? 0 : len;
}

} // namespace

std::string xml_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto len = allowed_sequence(text, i);
    if (len > 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02X", static_cast<unsigned char>(text[i]));
      out += escaped;
      ++i;
    }
  }
  return out;
}

} // namespace cisscan::reports
