// The words of the record: one table per enum, from which both directions are read. Header only,
// at the ground floor of the tree: every stage and every renderer names a status through these
// tables, and none includes another stage to learn a word.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace cisscan {

// The names of an enum's values, in declaration order (the enum's values are 0..N-1).
template <typename Enum, size_t N> struct Vocabulary {
  std::array<std::string_view, N> names;

  constexpr std::string_view name(Enum value) const { return names[static_cast<size_t>(value)]; }
  constexpr std::optional<Enum> parse(std::string_view text) const {
    for (size_t i = 0; i < N; ++i) {
      if (names[i] == text) {
        return static_cast<Enum>(i);
      }
    }
    return std::nullopt;
  }
  constexpr Enum parse_or(std::string_view text, Enum fallback) const {
    const auto value = parse(text);
    return value ? *value : fallback;
  }
  // Every value, in declaration order.
  constexpr std::array<Enum, N> values() const {
    std::array<Enum, N> out{};
    for (size_t i = 0; i < N; ++i) {
      out[i] = static_cast<Enum>(i);
    }
    return out;
  }
  std::vector<std::string_view> all() const { return {names.begin(), names.end()}; }
};

} // namespace cisscan
