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

} // namespace cisscan::reports
