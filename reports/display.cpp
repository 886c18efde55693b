#include "reports/display.hpp"

#include <cstdio>

namespace cisscan::reports {

std::string percent(const cisscan::json& score) {
  if (!score.is_number()) {
    return "n/a";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", score.get<double>());
  return buffer;
}

cisscan::json benchmarks_of(const cisscan::json& result) {
  if (const auto it = result.find("benchmarks"); it != result.end() && it->is_array()) {
    return *it;
  }
  const auto it = result.find("benchmark");
  return it != result.end() && it->is_object() ? cisscan::json::array({*it})
                                               : cisscan::json::array();
}

} // namespace cisscan::reports
