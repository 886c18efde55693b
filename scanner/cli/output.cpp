#include "cli/output.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace cisscan {

std::vector<std::string> parse_formats(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(',', start), list.size());
    const auto name = std::string(util::trim(std::string_view(list).substr(start, end - start)));
    if (!name.empty()) {
      if (reports::find_format(name) == nullptr) {
        std::string known;
        for (const auto& f : reports::formats()) {
          known += (known.empty() ? "" : ", ") + std::string(f.name);
        }
        throw ConfigError("--format: unknown format '" + name + "' (expected " + known + ")");
      }
      out.push_back(name);
    }
    start = end + 1;
  }
  if (out.empty()) {
    throw ConfigError("--format: no format given");
  }
  return out;
}

void add_html_detail_option(CLI::App* cmd, std::string& html_detail) {
  cmd->add_option("--html-detail", html_detail,
                  "HTML report: full (every result with its evidence) or summary (summary, "
                  "IG1 coverage, failing checks and risks; prints in few pages)")
      ->check(CLI::IsMember(reports::html_details()))
      ->capture_default_str();
}

} // namespace cisscan
