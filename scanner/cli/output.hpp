// Writes the chosen report formats of a record under a folder: every file rendered first, then
// each written atomically, so no report is ever half-written.
#pragma once

#include "util/json.hpp"

#include <string>
#include <vector>

namespace cisscan {

// Parses "json,junit,html"; throws ConfigError naming the unknown format.
std::vector<std::string> parse_formats(const std::string& list);
void write_reports(const cisscan::json& record, const std::vector<std::string>& formats,
                   const std::string& out_dir);

} // namespace cisscan
