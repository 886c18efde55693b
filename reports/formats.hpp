// The report format table: one row per format, each rendering the run record to one file.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cisscan::reports {

struct Format {
  std::string_view name;      // as given to --format
  std::string_view file_name; // written under --out
  std::string (*render)(const nlohmann::json& record);
};

const std::vector<Format>& formats();
const Format* find_format(std::string_view name);

std::string render_json(const nlohmann::json& record);
std::string render_junit(const nlohmann::json& record);
std::string render_html(const nlohmann::json& record);
std::string render_markdown(const nlohmann::json& record);
std::string render_csv(const nlohmann::json& record);
std::string render_prometheus(const nlohmann::json& record);

} // namespace cisscan::reports
