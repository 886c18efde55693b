// Small display helpers shared by the renderers.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cisscan::reports {

// A 0-100 score as "54.3%", or "n/a" when it is not a number (nothing was assessed).
std::string percent(const nlohmann::json& score);

} // namespace cisscan::reports
