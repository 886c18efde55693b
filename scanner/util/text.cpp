#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace cisscan::util {

std::string_view trim(std::string_view text) {
  const char* space = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(space);
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  each_word(text, [&](std::string_view word) {
    words.push_back(word);
    return true;
  });
  return words;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (const auto line : Lines(text)) {
    lines.push_back(line);
  }
  return lines;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t len = 0;
  uint32_t code = 0;
  if (c < 0x80) {
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
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
  if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return len;
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  const auto n = text.size();
  while (i < n) {
    if (i + 8 <= n && (word_at(text, i) & k_high_bits) == 0) {
      i += 8; // eight ASCII bytes
      continue;
    }
    const auto len = utf8_sequence_length(text, i);
    if (len == 0) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string shell_quote(std::string_view text) {
  // Copied a run at a time between single quotes (a script quotes each probe's command, ~60 KB a
  // host, byte by byte before).
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  size_t start = 0;
  for (auto quote = text.find('\''); quote != std::string_view::npos;
       quote = text.find('\'', start)) {
    out += text.substr(start, quote - start);
    out += "'\\''";
    start = quote + 1;
  }
  out += text.substr(start);
  out += '\'';
  return out;
}

std::string print_lines_command(std::string_view comment, std::string_view lines) {
  auto command = "# " + std::string(comment) + "\n";
  if (!lines.empty()) {
    command += "printf '%s\\n'";
    for (const auto line : split_lines(lines)) {
      command += " " + shell_quote(line);
    }
    command += "\n";
  }
  return command;
}

std::string shell_quote_words(std::string_view text) {
  std::string quoted;
  for (const auto word : split_words(text)) {
    quoted += " " + shell_quote(word);
  }
  return quoted;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string count_of(long long count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

bool expand_env(const std::string& text, std::string& expanded, std::string& problem) {
  expanded.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      expanded += text[i];
      continue;
    }
    const auto close = text.find('}', i + 2);
    const auto name =
        close == std::string::npos ? std::string() : text.substr(i + 2, close - i - 2);
    const bool valid = !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0 &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                       });
    if (!valid) {
      problem = "expected ${NAME} (letters, digits and '_') after '$'";
      return false;
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
      problem =
          "the environment variable ${" + name + "} is " + (value == nullptr ? "not set" : "empty");
      return false;
    }
    expanded += value;
    i = close;
  }
  return true;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  while (i + 2 < bytes.size()) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
    i += 3;
  }
  const auto rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) {
      v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += rest == 2 ? k_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

} // namespace cisscan::util

namespace cisscan::util {

std::string to_valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) {
    return std::string(text);
  }
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (const auto len = utf8_sequence_length(text, i); len > 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

} // namespace cisscan::util
