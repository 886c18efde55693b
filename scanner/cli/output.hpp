// Writes the chosen report formats of a record under a folder: every file rendered to a temporary
// file first, then all renamed into place, or none: the folder holds the old set or the new one.
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
