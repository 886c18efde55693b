// The report format table: one row per format, each writing the run record to one file.
#pragma once

#include "util/json.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::reports {

struct Format {
  std::string_view name;      // as given to --format
  std::string_view file_name; // written under --out
  // Streams the report into `out` (a fleet's reports are tens of MB: never held in memory whole).
  void (*write)(const json& record, std::ostream& out);
};

const std::vector<Format>& formats();
const Format* find_format(std::string_view name);
// The report of a known format as a string (for the store, and tests).
std::string render(std::string_view format, const json& record);

void write_json(const json& record, std::ostream& out);
void write_junit(const json& record, std::ostream& out);
void write_html(const json& record, std::ostream& out);
void write_markdown(const json& record, std::ostream& out);
void write_csv(const json& record, std::ostream& out);
void write_prometheus(const json& record, std::ostream& out);

} // namespace cisscan::reports
