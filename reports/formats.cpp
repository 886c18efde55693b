#include "reports/formats.hpp"

namespace cisscan::reports {

const std::vector<Format>& formats() {
  static const std::vector<Format> k_formats = {
      {"json", "report.json", render_json}, {"junit", "report.xml", render_junit},
      {"html", "report.html", render_html}, {"md", "report.md", render_markdown},
      {"csv", "findings.csv", render_csv},  {"prom", "cisscan.prom", render_prometheus},
  };
  return k_formats;
}

const Format* find_format(std::string_view name) {
  for (const auto& format : formats()) {
    if (format.name == name) {
      return &format;
    }
  }
  return nullptr;
}

} // namespace cisscan::reports
