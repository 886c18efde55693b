// PCRE2 regular expressions, compiled once, matched with limits; safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::util {

class Regex {
public:
  // Throws std::invalid_argument with PCRE2's message and the offset when the pattern is bad.
  explicit Regex(const std::string& pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  const std::string& pattern() const { return m_pattern; }
  // The whole match and its capture groups (empty string for an unset group), or nothing.
  // Throws std::runtime_error when a match limit is hit: never read that as "no match".
  std::optional<std::vector<std::string>> search(std::string_view subject) const;
  // Whether the pattern matches somewhere in `subject`: search without making the groups.
  bool matches(std::string_view subject) const;

private:
  // pcre2's return code for `subject`; the groups are in the calling thread's match data.
  int match(std::string_view subject) const;

  std::string m_pattern;
  void* m_code = nullptr;
  uint32_t m_groups = 0;         // capture groups, for the match data's room
  mutable std::once_flag m_jit;  // JIT-compiled on the first search
  mutable bool m_jitted = false; // set once, inside m_jit
};

} // namespace cisscan::util
