// json_text::read_string: a JSON string as nlohmann's lexer reads it (escapes, surrogate pairs,
// well-formed UTF-8 only), anything else left to it.
#include "util/json_window.hpp"

#include <array>
#include <string>
#include <string_view>

namespace cisscan::util::json_text {

namespace {

// Bytes a string holds as they are: not the quote, the backslash, a control character or the
// first byte of a multi-byte UTF-8 sequence.
constexpr std::array<bool, 256> k_plain = [] {
  std::array<bool, 256> plain{};
  for (int b = 0x20; b < 0x80; ++b) {
    plain[b] = b != '"' && b != '\\';
  }
  return plain;
}();

// The length of the well-formed UTF-8 sequence at q (as nlohmann's lexer accepts them), 0 for
// an ill-formed one, -1 when it may go on past `end`.
int utf8_length(const unsigned char* q, const unsigned char* end) {
  const unsigned char b = q[0];
  int n = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    low = b == 0xE0 ? 0xA0 : 0x80;
    high = b == 0xED ? 0x9F : 0xBF;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    low = b == 0xF0 ? 0x90 : 0x80;
    high = b == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (end - q < n) {
    return -1;
  }
  if (q[1] < low || q[1] > high) {
    return 0;
  }
  for (int i = 2; i < n; ++i) {
    if (q[i] < 0x80 || q[i] > 0xBF) {
      return 0;
    }
  }
  return n;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  throw Unread{};
}

class StringReader {
public:
  StringReader(Window& window, std::string& scratch) : w(window), m_text(scratch) {}

  // After the opening quote: the string's bytes, valid until the next read.
  std::string_view text() {
    const char* q = w.p;
    const auto* end = reinterpret_cast<const unsigned char*>(w.end);
    while (q != w.end) {
      const auto b = static_cast<unsigned char>(*q);
      if (k_plain[b]) {
        ++q;
      } else if (b == '"') {
        const std::string_view text(w.p, static_cast<size_t>(q - w.p));
        w.p = q + 1;
        return text;
      } else if (b >= 0x80) {
        const int n = utf8_length(reinterpret_cast<const unsigned char*>(q), end);
        if (n == 0) {
          throw Unread{};
        }
        if (n < 0) {
          break;
        }
        q += n;
      } else {
        break; // an escape or a control character
      }
    }
    m_text.assign(w.p, q);
    w.p = q;
    return string_rest();
  }

  // The rest of a string that has an escape or crosses the window's end, into m_text.
  std::string_view string_rest() {
    for (;;) {
      w.need(12); // the longest step: an escaped surrogate pair
      if (w.p == w.end) {
        throw Unread{}; // no closing quote
      }
      const auto b = static_cast<unsigned char>(*w.p);
      if (k_plain[b]) {
        const char* q = w.p;
        while (q != w.end && k_plain[static_cast<unsigned char>(*q)]) {
          ++q;
        }
        m_text.append(w.p, q);
        w.p = q;
      } else if (b == '"') {
        ++w.p;
        return m_text;
      } else if (b == '\\') {
        escape();
      } else if (b >= 0x80) {
        const int n = utf8_length(reinterpret_cast<const unsigned char*>(w.p),
                                  reinterpret_cast<const unsigned char*>(w.end));
        if (n <= 0) {
          throw Unread{};
        }
        m_text.append(w.p, static_cast<size_t>(n));
        w.p += n;
      } else {
        throw Unread{}; // a control character
      }
    }
  }

  // At a backslash, with up to 12 bytes in the window.
  void escape() {
    if (w.size() < 2) {
      throw Unread{};
    }
    const char c = w.p[1];
    w.p += 2;
    switch (c) {
    case '"':
    case '\\':
    case '/':
      m_text += c;
      return;
    case 'b':
      m_text += '\b';
      return;
    case 'f':
      m_text += '\f';
      return;
    case 'n':
      m_text += '\n';
      return;
    case 'r':
      m_text += '\r';
      return;
    case 't':
      m_text += '\t';
      return;
    case 'u':
      code_point();
      return;
    default:
      throw Unread{};
    }
  }

  unsigned hex4() {
    if (w.size() < 4) {
      throw Unread{};
    }
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      value = value * 16 + static_cast<unsigned>(hex_digit(w.p[i]));
    }
    w.p += 4;
    return value;
  }

  // After "\u": one code point, or a surrogate pair, as UTF-8.
  void code_point() {
    unsigned cp = hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      throw Unread{};
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (w.size() < 6 || w.p[0] != '\\' || w.p[1] != 'u') {
        throw Unread{};
      }
      w.p += 2;
      const unsigned low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        throw Unread{};
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (cp < 0x80) {
      m_text += static_cast<char>(cp);
    } else if (cp < 0x800) {
      m_text += static_cast<char>(0xC0 | (cp >> 6));
      m_text += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      m_text += static_cast<char>(0xE0 | (cp >> 12));
      m_text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      m_text += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      m_text += static_cast<char>(0xF0 | (cp >> 18));
      m_text += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      m_text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      m_text += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

private:
  Window& w;
  std::string& m_text;
};

} // namespace

std::string_view read_string(Window& w, std::string& scratch) {
  return StringReader(w, scratch).text();
}

} // namespace cisscan::util::json_text
