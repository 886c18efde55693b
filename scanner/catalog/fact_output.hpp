// A fact probe's output as the probes it answers read it (ProbeType::derive): its text, and the
// tables probe types read from that text, each made once for all the probes of a host that a
// fact answers rather than once for each of them (the mount table, the package list, the
// blocks of f-sysctl and f-accounts, the unit states).
#pragma once

#include <concepts>
#include <memory>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

namespace cisscan {

class FactOutput {
public:
  // From anything that is text: a probe's output, a test's literal. It views the text, which
  // must outlive it and stay where it is.
  template <class Text>
  requires std::convertible_to<const Text&, std::string_view> FactOutput(const Text& text)
      : m_text(text) {} // NOLINT: implicit on purpose

  std::string_view text() const { return m_text; }

  // What `read` makes of the text, made at the first call for a table of type T and kept while
  // this lives: each table type has one reader. Not for several threads at once.
  template <class T> const T& table(T (*read)(std::string_view)) const {
    for (const auto& [type, table] : m_tables) {
      if (type == std::type_index(typeid(T))) {
        return *static_cast<const T*>(table.get());
      }
    }
    auto made = std::make_shared<const T>(read(m_text));
    const auto& out = *made;
    m_tables.emplace_back(std::type_index(typeid(T)), std::move(made));
    return out;
  }

private:
  std::string_view m_text;
  mutable std::vector<std::pair<std::type_index, std::shared_ptr<const void>>> m_tables;
};

} // namespace cisscan
