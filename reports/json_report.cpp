// The record itself: the report every other format is rendered from.
#include "reports/formats.hpp"

namespace cisscan::reports {

std::string render_json(const cisscan::json& record) {
  // Compact: a fleet's record is large, and tools (jq) pretty-print it on demand.
  return record.dump(-1, ' ', false, cisscan::json::error_handler_t::replace) + "\n";
}

} // namespace cisscan::reports
