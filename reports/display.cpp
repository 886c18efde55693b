#include "reports/display.hpp"

#include "util/text.hpp"

#include <cstdio>

namespace cisscan::reports {

std::string percent(const cisscan::json& score) {
  if (!score.is_number()) {
    return "n/a";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", score.get<double>());
  return buffer;
}

cisscan::json benchmarks_of(const cisscan::json& result) {
  if (const auto it = result.find("benchmarks"); it != result.end() && it->is_array()) {
    return *it;
  }
  const auto it = result.find("benchmark");
  return it != result.end() && it->is_object() ? cisscan::json::array({*it})
                                               : cisscan::json::array();
}

std::string selection_text(const cisscan::json& run) {
  const auto it = run.find("selection");
  if (it == run.end() || !it->is_object()) {
    return "";
  }
  const auto& selection = *it;
  const auto patterns = [&](const char* key) {
    std::vector<std::string> out;
    if (const auto list = selection.find(key); list != selection.end() && list->is_array()) {
      for (const auto& pattern : *list) {
        out.push_back(pattern.is_string() ? pattern.get<std::string>() : pattern.dump());
      }
    }
    return util::join(out, ", ");
  };
  auto text = "profile " + selection.value("profile", std::string("?")) + ", " +
              std::to_string(selection.value("checks_selected", 0LL)) + " of " +
              util::count_of(selection.value("checks_in_catalog", 0LL), "check");
  if (const auto only = patterns("only"); !only.empty()) {
    text += "; only " + only;
  }
  if (const auto skip = patterns("skip"); !skip.empty()) {
    text += "; skip " + skip;
  }
  return text;
}

} // namespace cisscan::reports
