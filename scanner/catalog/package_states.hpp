// The facts' package list: each package dpkg-query listed, with dpkg's status word for each
// architecture of it. A host lists ~900 packages; held as one text of names and one sorted table,
// not a map node, a name and a vector each (3 allocations a package, ~1,100 a host).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

class PackageStates {
public:
  PackageStates() = default;
  // From dpkg-query's "${db:Status-Abbrev} ${Package} ${Version}" lines (package_line; others,
  // such as its messages, are skipped).
  explicit PackageStates(std::string_view dpkg_lines);

  bool empty() const { return m_entries.empty(); }
  // Calls `fn` with each status word listed for `name` ("installed", "config-files", ...), one
  // per architecture, in the order dpkg-query listed them; never for a name it did not list.
  template <class Fn> void each_word_of(std::string_view name, Fn fn) const {
    for (auto it = first_of(name); it != m_entries.end() && name_of(*it) == name; ++it) {
      fn(it->word);
    }
  }
  std::vector<std::string_view> words_of(std::string_view name) const; // static words
  // Whether some architecture of `name` has files on disk (package_word_present).
  bool present(std::string_view name) const;
  // The packages of which some architecture has files on disk.
  size_t present_count() const;
  // Each package listed, once, by name: views into this table, valid while it lives.
  std::vector<std::string_view> names() const;

private:
  struct Entry {
    uint32_t offset; // of its name in m_names
    uint32_t size;
    std::string_view word; // a static status word (package_state_word)
  };
  std::string_view name_of(const Entry& e) const { return {m_names.data() + e.offset, e.size}; }
  std::vector<Entry>::const_iterator first_of(std::string_view name) const;

  std::string m_names;          // every listed name, back to back
  std::vector<Entry> m_entries; // by name; a name's architectures in their listed order
};

} // namespace cisscan
