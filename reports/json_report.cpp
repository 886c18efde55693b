// The record itself, pretty-printed: the report every other format is rendered from.
#include "reports/formats.hpp"

namespace cisscan::reports {

std::string render_json(const nlohmann::json& record) {
  return record.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace cisscan::reports
