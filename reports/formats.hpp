// The report format table: one row per format, each rendering the run record to one file.
#pragma once

#include "util/json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cisscan::reports {

struct Format {
  std::string_view name;      // as given to --format
  std::string_view file_name; // written under --out
  std::string (*render)(const cisscan::json& record);
};

const std::vector<Format>& formats();
const Format* find_format(std::string_view name);

std::string render_json(const cisscan::json& record);
std::string render_junit(const cisscan::json& record);
std::string render_html(const cisscan::json& record);
std::string render_markdown(const cisscan::json& record);
std::string render_csv(const cisscan::json& record);
std::string render_prometheus(const cisscan::json& record);

} // namespace cisscan::reports
