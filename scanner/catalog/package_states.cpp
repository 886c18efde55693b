#include "catalog/package_states.hpp"

#include "catalog/probe_types.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace cisscan {

PackageStates::PackageStates(std::string_view dpkg_lines) {
  for (const auto line : util::Lines(dpkg_lines)) {
    if (!package_line(line)) {
      continue;
    }
    const auto name = package_of(line);
    if (!name.empty()) {
      m_entries.push_back({static_cast<uint32_t>(m_names.size()),
                           static_cast<uint32_t>(name.size()), package_state_word(line[1])});
      m_names += name;
    }
  }
  // dpkg-query lists by name already: the sort is mostly a check. Stable: a name's
  // architectures keep their order.
  const auto by_name = [this](const Entry& a, const Entry& b) { return name_of(a) < name_of(b); };
  if (!std::is_sorted(m_entries.begin(), m_entries.end(), by_name)) {
    std::stable_sort(m_entries.begin(), m_entries.end(), by_name);
  }
}

std::vector<PackageStates::Entry>::const_iterator
PackageStates::first_of(std::string_view name) const {
  return std::partition_point(m_entries.begin(), m_entries.end(),
                              [&](const Entry& e) { return name_of(e) < name; });
}

std::vector<std::string_view> PackageStates::words_of(std::string_view name) const {
  std::vector<std::string_view> words;
  each_word_of(name, [&](std::string_view word) { words.push_back(word); });
  return words;
}

bool PackageStates::present(std::string_view name) const {
  bool found = false;
  each_word_of(name, [&](std::string_view word) { found = found || package_word_present(word); });
  return found;
}

size_t PackageStates::present_count() const {
  size_t count = 0;
  for (size_t i = 0; i < m_entries.size();) {
    const auto name = name_of(m_entries[i]);
    bool present = false;
    for (; i < m_entries.size() && name_of(m_entries[i]) == name; ++i) {
      present = present || package_word_present(m_entries[i].word);
    }
    count += present ? 1 : 0;
  }
  return count;
}

std::vector<std::string_view> PackageStates::names() const {
  std::vector<std::string_view> out;
  for (const auto& e : m_entries) {
    if (out.empty() || out.back() != name_of(e)) {
      out.push_back(name_of(e));
    }
  }
  return out;
}

} // namespace cisscan
