// Items gathered host by host in the order the hosts end, handed out in the record's order: by
// the host's index in the record, a host's own items in the order they were added. The
// assessment takes each host as it ends (cli/cmd_scan.cpp), yet what it lists (a waiver's
// matches, a risk's findings) reads the same whatever order that was.
#pragma once

#include "util/json.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace cisscan::util {

class ByHost {
public:
  void add(size_t host, cisscan::json item) { m_items.emplace_back(host, std::move(item)); }
  size_t size() const { return m_items.size(); }

  // Every item, as an array in record order; none are left.
  cisscan::json take() {
    std::stable_sort(m_items.begin(), m_items.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto out = cisscan::json::array();
    auto& array = out.get_ref<cisscan::json::array_t&>();
    array.reserve(m_items.size());
    for (auto& item : m_items) {
      array.push_back(std::move(item.second));
    }
    m_items.clear();
    return out;
  }

private:
  std::vector<std::pair<size_t, cisscan::json>> m_items;
};

} // namespace cisscan::util
