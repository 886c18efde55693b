#include "util/json_text.hpp"

#include "util/text.hpp"

#include <bit>
#include <charconv>
#include <cmath>

namespace cisscan::util {

namespace {

std::string nlohmann_text(const cisscan::json& value) {
  return value.dump(-1, ' ', false, cisscan::json::error_handler_t::replace);
}

// The bytes of `word` that are not copied as they are (not ASCII, not printable, '"' or '\\'),
// each flagged by its high bit. Past the first such byte a flag may be false (a borrow); the
// lowest one never is, so it says how many bytes from the word's start are plain.
static_assert(std::endian::native == std::endian::little, "word_at's first byte is its lowest");
uint64_t unplain_bytes(uint64_t word) {
  const auto under = [](uint64_t w, unsigned char limit) {
    return (w - util::k_low_bits * limit) & ~w & util::k_high_bits;
  };
  return (word & util::k_high_bits) | under(word, 0x20) |
         under(word ^ (util::k_low_bits * '"'), 1) | under(word ^ (util::k_low_bits * '\\'), 1);
}

// Valid UTF-8 is written as it is but for the escapes JSON needs (what nlohmann writes without
// ensure_ascii); anything else goes through nlohmann, whose replacement of bad bytes is the
// record's. One pass: runs of plain bytes are found eight at a time and copied at once.
void append_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  const auto begin = out.size();
  out += '"';
  size_t run = 0; // start of the bytes copied as they are
  size_t i = 0;
  const auto n = text.size();
  while (i < n) {
    if (i + 8 <= n) {
      const auto flags = unplain_bytes(util::word_at(text, i));
      if (flags == 0) {
        i += 8;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(flags)) / 8; // little-endian: the first byte
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const auto len = util::utf8_sequence_length(text, i);
      if (len == 0) {
        out.resize(begin);
        out += nlohmann_text(cisscan::json(std::string(text)));
        return;
      }
      i += len;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(text.substr(run, i - run));
    run = ++i;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    }
  }
  out.append(text.substr(run, n - run));
  out += '"';
}

template <class Integer> void append_integer(std::string& out, Integer number) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof(buffer), number).ptr;
  out.append(buffer, end);
}

// A whole number under 10^15 held as a double (every result's weight) as nlohmann writes it,
// "2.0", "-0.0", without its serializer (which a dump makes and frees for each number); false
// for any other double, which nlohmann writes.
bool append_whole_float(std::string& out, double number) {
  if (!std::isfinite(number) || std::trunc(number) != number || std::fabs(number) >= 1e15) {
    return false;
  }
  if (std::signbit(number)) {
    out += '-';
  }
  append_integer(out, static_cast<long long>(std::fabs(number)));
  out += ".0";
  return true;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
  append_string(out, text);
}

void append_json_number(std::string& out, long long number) {
  append_integer(out, number);
}

void append_json_number(std::string& out, unsigned long long number) {
  append_integer(out, number);
}

void append_member_key(std::string& out, bool& first, const std::string& key) {
  if (!first) {
    out += ',';
  }
  first = false;
  append_string(out, key);
  out += ':';
}

void append_compact_json(std::string& out, const cisscan::json& value) {
  switch (value.type()) {
  case cisscan::json::value_t::object: {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      append_member_key(out, first, key);
      append_compact_json(out, member);
    }
    out += '}';
    return;
  }
  case cisscan::json::value_t::array: {
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      if (!first) {
        out += ',';
      }
      first = false;
      append_compact_json(out, item);
    }
    out += ']';
    return;
  }
  case cisscan::json::value_t::string:
    append_string(out, value.get_ref<const std::string&>());
    return;
  case cisscan::json::value_t::number_integer:
    append_integer(out, value.get<std::int64_t>());
    return;
  case cisscan::json::value_t::number_unsigned:
    append_integer(out, value.get<std::uint64_t>());
    return;
  case cisscan::json::value_t::boolean:
    out += value.get<bool>() ? "true" : "false";
    return;
  case cisscan::json::value_t::null:
    out += "null";
    return;
  case cisscan::json::value_t::number_float:
    if (append_whole_float(out, value.get<double>())) {
      return;
    }
    out += nlohmann_text(value);
    return;
  default: // binary values, discarded values
    out += nlohmann_text(value);
  }
}

MemberText member_text(const std::string& key, const cisscan::json& value) {
  std::string text;
  bool first = true;
  append_member_key(text, first, key);
  append_compact_json(text, value);
  return {key, std::move(text)};
}

std::string compact_json(const cisscan::json& value) {
  std::string out;
  append_compact_json(out, value);
  return out;
}

} // namespace cisscan::util
