// String helpers that know nothing of the domain.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cisscan::util {

std::string_view trim(std::string_view text);

// The lines of `text` one at a time, as split_lines lists them (a trailing newline ends the last
// line, a '\r' before a newline is dropped), without making the list: for loops that stop at the
// first match or run once per probe. Views into `text`, which must outlive them.
class Lines {
public:
  struct End {};
  class Iterator {
  public:
    explicit Iterator(std::string_view text) : m_text(text) { ++*this; }
    std::string_view operator*() const { return m_line; }
    bool operator!=(End) const { return !m_done; }
    Iterator& operator++() {
      if (m_start >= m_text.size()) {
        m_done = true;
        return *this;
      }
      const auto end = m_text.find('\n', m_start);
      if (end == std::string_view::npos) {
        m_line = m_text.substr(m_start);
        m_start = m_text.size();
        return *this;
      }
      m_line = m_text.substr(m_start, end - m_start);
      if (!m_line.empty() && m_line.back() == '\r') {
        m_line.remove_suffix(1);
      }
      m_start = end + 1;
      return *this;
    }

  private:
    std::string_view m_text;
    std::string_view m_line;
    size_t m_start = 0;
    bool m_done = false;
  };
  explicit Lines(std::string_view text) : m_text(text) {}
  template <class String, class = std::enable_if_t<std::is_same_v<String, std::string>>>
  explicit Lines(String&& text) = delete;
  Iterator begin() const { return Iterator(m_text); }
  End end() const { return {}; }

private:
  std::string_view m_text;
};

// Views into `text`, which must outlive them: a temporary string is refused at compile time.
std::vector<std::string_view> split_lines(std::string_view text);
template <class String, class = std::enable_if_t<std::is_same_v<String, std::string>>>
std::vector<std::string_view> split_lines(String&& text) = delete;
// Calls fn(word) for the words of `text`, separated by spaces, tabs or newlines, until fn
// returns false.
template <class Fn> void each_word(std::string_view text, Fn fn) {
  constexpr std::string_view k_space = " \t\n";
  for (auto begin = text.find_first_not_of(k_space); begin != std::string_view::npos;
       begin = text.find_first_not_of(k_space, begin)) {
    const auto end = std::min(text.find_first_of(k_space, begin), text.size());
    if (!fn(text.substr(begin, end - begin))) {
      return;
    }
    begin = end;
  }
}
// The words of `text` (each_word); views into `text` as above.
std::vector<std::string_view> split_words(std::string_view text);
template <class String, class = std::enable_if_t<std::is_same_v<String, std::string>>>
std::vector<std::string_view> split_words(String&& text) = delete;
// At least one word, and `valid(word)` for each.
template <class Valid> bool every_word(std::string_view text, Valid valid) {
  bool any = false;
  for (const auto word : split_words(text)) {
    if (!valid(word)) {
      return false;
    }
    any = true;
  }
  return any;
}
std::string join(const std::vector<std::string>& parts, std::string_view separator);
bool is_valid_utf8(std::string_view text);
// Bytes in the well-formed UTF-8 sequence at text[i] (1 for ASCII); 0 where none starts there
// (a stray byte, a cut, overlong or surrogate sequence, a code point past U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t i);
// The eight bytes at text[i] as one word (i + 8 <= text.size()), to test them at once with the
// masks below: a text is mostly ASCII, and most of it needs neither checking nor escaping.
inline uint64_t word_at(std::string_view text, size_t i) {
  uint64_t word;
  std::memcpy(&word, text.data() + i, sizeof(word));
  return word;
}
inline constexpr uint64_t k_low_bits = 0x0101010101010101ULL;
inline constexpr uint64_t k_high_bits = 0x8080808080808080ULL;
// Whether a byte of `word` is under `limit` (at most 0x80).
inline bool any_byte_under(uint64_t word, unsigned char limit) {
  return ((word - k_low_bits * limit) & ~word & k_high_bits) != 0;
}
// Whether a byte of `word` is `byte`.
inline bool any_byte_is(uint64_t word, unsigned char byte) {
  return any_byte_under(word ^ (k_low_bits * byte), 1);
}
// Quotes a string for POSIX sh as one word: 'it'\''s'.
std::string shell_quote(std::string_view text);
// A shell command that prints `lines` as they are (one quoted printf), after a `# comment` line.
std::string print_lines_command(std::string_view comment, std::string_view lines);
// Each word of `text` (split_words) quoted, each after a space: " 'cron' 'ufw'".
std::string shell_quote_words(std::string_view text);
std::string to_lower(std::string_view text);
std::string base64_encode(std::string_view bytes);
// "1 host", "2 hosts": `count` and `noun`, with an "s" unless the count is one.
std::string count_of(long long count, std::string_view noun);
// `text` with every ${NAME} replaced by the environment variable NAME. Returns false, with the
// problem in `problem` ("${NAME} is not set", "an unterminated ${"), when a variable is unset
// or empty or a ${ is not closed by a name and }.
bool expand_env(const std::string& text, std::string& expanded, std::string& problem);

} // namespace cisscan::util

namespace cisscan::util {
// Replaces every invalid UTF-8 sequence with U+FFFD, so host text can enter JSON.
std::string to_valid_utf8(std::string_view text);
} // namespace cisscan::util
