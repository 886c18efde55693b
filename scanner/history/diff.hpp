// Drift between two runs: what newly fails or passes, hosts and checks that came or went, host
// keys that changed, and the score change per safeguard and for IG1.
#pragma once

#include "util/json.hpp"

#include <string>

namespace cisscan {

cisscan::json diff_records(const cisscan::json& old_record, const cisscan::json& new_record);
// A plain-text rendering for the terminal.
std::string diff_text(const cisscan::json& diff);

} // namespace cisscan
