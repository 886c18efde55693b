// The report options of the commands that write reports: which formats, how much HTML detail.
// The writing itself is pipeline/write_reports.hpp.
#pragma once

#include "reports/formats.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cisscan {

// Parses "json,junit,html"; throws ConfigError naming the unknown format.
std::vector<std::string> parse_formats(const std::string& list);
// Adds --html-detail (full or summary) to a command that writes reports.
void add_html_detail_option(CLI::App* cmd, std::string& html_detail);

} // namespace cisscan
