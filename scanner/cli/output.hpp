// Writes the chosen report formats of a record under a folder: every file rendered to a temporary
// file first, then all renamed into place, or none: the folder holds the old set or the new one.
#pragma once

#include "reports/formats.hpp"
#include "util/json.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cisscan {

// Parses "json,junit,html"; throws ConfigError naming the unknown format.
std::vector<std::string> parse_formats(const std::string& list);
void write_reports(const cisscan::json& record, const std::vector<std::string>& formats,
                   const std::string& out_dir, const reports::RenderOptions& options = {});
// Adds --html-detail (full or summary) to a command that writes reports.
void add_html_detail_option(CLI::App* cmd, std::string& html_detail);

} // namespace cisscan
