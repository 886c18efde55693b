// Items gathered host by host in the order the hosts end, handed out in the record's order: by
// the host's index in the record, a host's own items in the order they were added. The
// assessment takes each host as it ends (cli/cmd_scan.cpp), yet what it lists (a waiver's
// matches, a risk's findings) reads the same whatever order that was. Items are kept as their
// compact JSON text, one buffer for all: a finding ({host, check_id, status}) took ~500 bytes of
// heap as a tree, ~90 as text and its place (issue 11: what a finished host leaves in memory).
#pragma once

#include "util/json.hpp"
#include "util/json_text.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace cisscan::util {

class ByHost {
public:
  void add(size_t host, const cisscan::json& item) {
    const auto offset = m_text.size();
    append_compact_json(m_text, item);
    m_items.push_back({host, offset, m_text.size() - offset});
  }
  size_t size() const { return m_items.size(); }

  // Every item, as an array in record order; none are left.
  cisscan::json take() {
    std::stable_sort(m_items.begin(), m_items.end(),
                     [](const Item& a, const Item& b) { return a.host < b.host; });
    auto out = cisscan::json::array();
    auto& array = out.get_ref<cisscan::json::array_t&>();
    array.reserve(m_items.size());
    for (const auto& item : m_items) {
      array.push_back(
          cisscan::json::parse(std::string_view(m_text).substr(item.offset, item.length)));
    }
    m_items.clear();
    m_text.clear();
    return out;
  }

private:
  struct Item {
    size_t host;
    size_t offset; // of its text in m_text
    size_t length;
  };
  std::vector<Item> m_items;
  std::string m_text;
};

} // namespace cisscan::util
