#include "catalog/fact_blocks.hpp"

#include "util/text.hpp"

#include <array>
#include <charconv>

namespace cisscan {

namespace {

template <typename T> bool number(std::string_view text, T& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// The first words of `line` into `words` (a header has at most four; a fifth says it is none),
// and how many there were: headers are read for every probe a fact answers, so without a list.
size_t first_words(std::string_view line, std::array<std::string_view, 5>& words) {
  size_t count = 0;
  util::each_word(line, [&](std::string_view word) {
    words[count++] = word;
    return count < words.size();
  });
  return count;
}

} // namespace

std::optional<std::string> fact_block(std::string_view name, std::string_view fact_output,
                                      int& exit_code) {
  size_t at = 0;
  while (at < fact_output.size()) {
    const auto end = fact_output.find('\n', at);
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    std::array<std::string_view, 5> words;
    const auto n = first_words(fact_output.substr(at, end - at), words);
    at = end + 1;
    int code = -1;
    size_t count = 0;
    if (n < 3 || n > 4 || words[0] != "@" || !number(words[2], code) ||
        (n == 4 && !number(words[3], count))) {
      return std::nullopt;
    }
    const auto start = at;
    for (size_t line = 0; line < count; ++line) {
      const auto next = fact_output.find('\n', at);
      if (next == std::string_view::npos) {
        return std::nullopt;
      }
      at = next + 1;
    }
    if (words[1] == name) {
      exit_code = code;
      return std::string(fact_output.substr(start, at - start));
    }
  }
  return std::nullopt;
}

} // namespace cisscan
