#include "reports/formats.hpp"

#include <sstream>
#include <stdexcept>

namespace cisscan::reports {

const std::vector<Format>& formats() {
  static const std::vector<Format> k_formats = {
      {"json", "report.json", write_json},
      {"junit", "report.xml", write_junit},
      {"html", "report.html", write_html},
      {"md", "report.md", write_markdown},
      {"csv", "findings.csv", write_csv},
      {"prom", "cisscan.prom", write_prometheus},
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

void write_report(const Format& format, const json& record, const HostSource& hosts,
                  const RenderOptions& options, std::ostream& out) {
  format.write(record, hosts, options, out);
}

void write_report(const Format& format, const json& record, const RenderOptions& options,
                  std::ostream& out) {
  format.write(record, RecordHosts(record), options, out);
}

const std::vector<std::string>& html_details() {
  static const std::vector<std::string> k_details = {"full", "summary"};
  return k_details;
}

std::string render(std::string_view format, const json& record) {
  const auto* row = find_format(format);
  if (row == nullptr) {
    throw std::invalid_argument("no report format " + std::string(format));
  }
  std::ostringstream out;
  write_report(*row, record, RenderOptions{}, out);
  return std::move(out).str();
}

} // namespace cisscan::reports
