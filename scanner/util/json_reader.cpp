#include "util/json_reader.hpp"

#include "util/json_file.hpp"
#include "util/json_window.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace cisscan::util {

namespace {

using json_text::Unread;
using json_text::Window;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

class Reader {
public:
  explicit Reader(Window& window) : w(window) {}

  json document() {
    json out;
    if (next() != '{') {
      throw Unread{}; // not an object, or a byte order mark first: nlohmann's to judge
    }
    value(out);
    if (next() != '\0' || w.p != w.end) {
      throw Unread{}; // something after the object
    }
    return out;
  }

private:
  // The next byte that is no whitespace, not taken; '\0' at the end of the text.
  char next() {
    for (;;) {
      while (w.p != w.end) {
        const char c = *w.p;
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          return c;
        }
        ++w.p;
      }
      if (!w.refill()) {
        return '\0';
      }
    }
  }

  void value(json& out) {
    switch (next()) {
    case '{':
      ++w.p;
      object(out);
      return;
    case '[':
      ++w.p;
      array(out);
      return;
    case '"':
      ++w.p;
      out = json(std::string(json_text::read_string(w, m_text)));
      return;
    case 't':
      literal("true");
      out = true;
      return;
    case 'f':
      literal("false");
      out = false;
      return;
    case 'n':
      literal("null");
      return;
    default:
      number(out);
    }
  }

  void enter() {
    if (++m_depth > k_max_json_depth) {
      throw Unread{};
    }
  }

  void object(json& out) {
    enter();
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    char c = next();
    if (c != '}') {
      for (;;) {
        if (c != '"') {
          throw Unread{};
        }
        ++w.p;
        std::string key(json_text::read_string(w, m_text));
        if (next() != ':') {
          throw Unread{};
        }
        ++w.p;
        if (m_depth == 1 && members.count(key) != 0) {
          throw Unread{}; // a top-level name repeated: refused, with nlohmann's reader's words
        }
        // Keys come sorted when cisscan wrote them: the hint makes each insertion constant time.
        // A name repeated keeps its last value, as with nlohmann's parser.
        auto it = members.insert_or_assign(members.end(), std::move(key), json());
        value(it->second);
        c = next();
        if (c != ',') {
          break;
        }
        ++w.p;
        c = next();
      }
      if (c != '}') {
        throw Unread{};
      }
    }
    ++w.p;
    --m_depth;
  }

  void array(json& out) {
    enter();
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    char c = next();
    if (c != ']') {
      for (;;) {
        items.emplace_back();
        value(items.back());
        c = next();
        if (c != ',') {
          break;
        }
        ++w.p;
      }
      if (c != ']') {
        throw Unread{};
      }
    }
    ++w.p;
    --m_depth;
  }

  void literal(std::string_view word) {
    w.need(word.size());
    if (w.size() < word.size() || std::memcmp(w.p, word.data(), word.size()) != 0) {
      throw Unread{};
    }
    w.p += word.size();
  }

  // A number as nlohmann's lexer reads it: without a fraction or exponent a whole number
  // (unsigned unless it has a minus), a double when it does not fit or has either.
  void number(json& out) {
    w.need(k_longest_number);
    const char* q = w.p;
    const char* const end = w.p + std::min(w.size(), k_longest_number);
    const bool negative = q != end && *q == '-';
    q += negative ? 1 : 0;
    const char* const digits = q;
    if (q != end && *q == '0') {
      ++q;
    } else {
      while (q != end && is_digit(*q)) {
        ++q;
      }
    }
    const char* const digits_end = q;
    bool whole = true;
    if (q != end && *q == '.') {
      whole = false;
      q = more_digits(q + 1, end);
    }
    if (q != end && (*q == 'e' || *q == 'E')) {
      whole = false;
      ++q;
      q += q != end && (*q == '+' || *q == '-') ? 1 : 0;
      q = more_digits(q, end);
    }
    if (digits == digits_end || q == end) {
      throw Unread{}; // no digits, or a number that may go on past the window
    }
    if (whole && digits_end - digits <= 18) {
      std::uint64_t n = 0;
      for (const char* d = digits; d != digits_end; ++d) {
        n = n * 10 + static_cast<std::uint64_t>(*d - '0');
      }
      out = negative ? json(-static_cast<std::int64_t>(n)) : json(n);
    } else if (!(whole && long_whole(w.p, q, negative, out))) {
      double value = 0;
      const auto [stop, error] = std::from_chars(w.p, q, value);
      if (error != std::errc() || stop != q || !std::isfinite(value)) {
        throw Unread{};
      }
      out = value;
    }
    w.p = q;
  }

  // At least one digit from q: past them.
  static const char* more_digits(const char* q, const char* end) {
    const char* const start = q;
    while (q != end && is_digit(*q)) {
      ++q;
    }
    if (q == start) {
      throw Unread{};
    }
    return q;
  }

  // A whole number of 19 digits or more, read with strtoull or strtoll as nlohmann's lexer does;
  // false when it does not fit (it is then a double).
  static bool long_whole(const char* begin, const char* end, bool negative, json& out) {
    std::array<char, k_longest_number + 1> text{};
    std::memcpy(text.data(), begin, static_cast<size_t>(end - begin));
    errno = 0;
    if (negative) {
      const auto n = std::strtoll(text.data(), nullptr, 10);
      if (errno == 0) {
        out = json(static_cast<std::int64_t>(n));
      }
    } else {
      const auto n = std::strtoull(text.data(), nullptr, 10);
      if (errno == 0) {
        out = json(static_cast<std::uint64_t>(n));
      }
    }
    return errno == 0;
  }

  static constexpr size_t k_longest_number = 64;

  Window& w;
  int m_depth = 0;
  std::string m_text; // a string's bytes when they are not read as they stand
};

} // namespace

std::optional<json> read_json_object(FILE* file) {
  try {
    Window window(file);
    return Reader(window).document();
  } catch (const Unread&) {
    return std::nullopt;
  }
}

std::optional<json> read_json_object(std::string_view text) {
  try {
    Window window(text);
    return Reader(window).document();
  } catch (const Unread&) {
    return std::nullopt;
  }
}

} // namespace cisscan::util
