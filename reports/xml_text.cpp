#include "reports/xml_text.hpp"

#include <cstdio>

namespace cisscan::reports {

namespace {

// Length of a valid UTF-8 sequence at `i` whose code point XML 1.0 allows, else 0.
size_t allowed_sequence(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    return (c >= 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) ? 1 : 0;
  }
  size_t len = 0;
  uint32_t code = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    code = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (cc & 0x3F);
  }
  const bool overlong =
      (len == 2 && code < 0x80) || (len == 3 && code < 0x800) || (len == 4 && code < 0x10000);
  const bool excluded =
      (code >= 0xD800 && code <= 0xDFFF) || code == 0xFFFE || code == 0xFFFF || code > 0x10FFFF;
  return overlong || excluded ? 0 : len;
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
