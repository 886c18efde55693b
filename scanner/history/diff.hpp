// Drift between two runs: what newly fails or passes, hosts and checks that came or went, host
// keys that changed, and the score change per safeguard and for IG1.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cisscan {

nlohmann::json diff_records(const nlohmann::json& old_record, const nlohmann::json& new_record);
// A plain-text rendering for the terminal.
std::string diff_text(const nlohmann::json& diff);

} // namespace cisscan
