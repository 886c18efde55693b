#include "catalog/fact_blocks.hpp"

#include "util/text.hpp"

#include <array>
#include <charconv>
#include <unordered_map>

namespace cisscan {

namespace {

template <typename T> bool number(std::string_view text, T& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// The first words of `line` into `words` (a header has at most four; a fifth says it is none),
// and how many there were.
size_t first_words(std::string_view line, std::array<std::string_view, 5>& words) {
  size_t count = 0;
  util::each_word(line, [&](std::string_view word) {
    words[count++] = word;
    return count < words.size();
  });
  return count;
}

// Every block of a fact's output by name (the first of a name), up to the end or to the first
// line that breaks the format: a name past that is not answered, as a reading from the top
// that stops there would not answer it.
struct FactBlocks {
  struct Block {
    int code = -1;
    std::string_view lines;
  };
  std::unordered_map<std::string_view, Block> by_name;
};

FactBlocks read_blocks(std::string_view fact_output) {
  FactBlocks blocks;
  size_t at = 0;
  while (at < fact_output.size()) {
    const auto end = fact_output.find('\n', at);
    if (end == std::string_view::npos) {
      break;
    }
    std::array<std::string_view, 5> words;
    const auto n = first_words(fact_output.substr(at, end - at), words);
    at = end + 1;
    int code = -1;
    size_t count = 0;
    if (n < 3 || n > 4 || words[0] != "@" || !number(words[2], code) ||
        (n == 4 && !number(words[3], count))) {
      break;
    }
    const auto start = at;
    bool whole = true;
    for (size_t line = 0; line < count && whole; ++line) {
      const auto next = fact_output.find('\n', at);
      whole = next != std::string_view::npos;
      at = whole ? next + 1 : at;
    }
    if (!whole) {
      break;
    }
    blocks.by_name.emplace(words[1],
                           FactBlocks::Block{code, fact_output.substr(start, at - start)});
  }
  return blocks;
}

} // namespace

std::optional<std::string> fact_block(std::string_view name, const FactOutput& fact_output,
                                      int& exit_code) {
  const auto& blocks = fact_output.table(read_blocks).by_name;
  const auto found = blocks.find(name);
  if (found == blocks.end()) {
    return std::nullopt;
  }
  exit_code = found->second.code;
  return std::string(found->second.lines);
}

} // namespace cisscan
