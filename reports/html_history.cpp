// "Since the last run" and the IG1 score over time: shown when the scan kept history (--store),
// from record.history (drift against the previous stored run, and every stored run's IG1 score).
#include "reports/html_view.hpp"

#include <algorithm>
#include <cmath>

namespace cisscan::reports::html {

namespace {

constexpr int k_width = 920;
constexpr int k_height = 220;
constexpr int k_left = 48;
constexpr int k_right = 16;
constexpr int k_top = 12;
constexpr int k_bottom = 40;
constexpr size_t k_listed = 50;

// The IG1 score over time as an inline SVG line chart; runs without a score are gaps.
std::string ig1_chart(const json& points) {
  const int plot_w = k_width - k_left - k_right;
  const int plot_h = k_height - k_top - k_bottom;
  const size_t n = points.size();
  const auto x_of = [&](size_t i) {
    return k_left + (n <= 1 ? plot_w / 2 : static_cast<int>(i * plot_w / (n - 1)));
  };
  const auto y_of = [&](double score) {
    return k_top + static_cast<int>(std::lround((100.0 - score) / 100.0 * plot_h));
  };
  std::string svg = "<svg class=\"history-chart\" viewBox=\"0 0 " + std::to_string(k_width) + " " +
                    std::to_string(k_height) +
                    "\" role=\"img\" aria-labelledby=\"history-chart-title\"><title "
                    "id=\"history-chart-title\">IG1 score of each stored run, oldest first</title>";
  for (const int tick : {0, 25, 50, 75, 100}) {
    const auto y = std::to_string(y_of(tick));
    svg += "<line class=\"grid\" x1=\"" + std::to_string(k_left) + "\" x2=\"" +
           std::to_string(k_width - k_right) + "\" y1=\"" + y + "\" y2=\"" + y +
           "\"/><text class=\"axis\" x=\"" + std::to_string(k_left - 6) + "\" y=\"" + y +
           "\" dy=\"4\" text-anchor=\"end\">" + std::to_string(tick) + "%</text>";
  }
  std::string path;
  for (size_t i = 0; i < n; ++i) {
    const auto& score = at(points[i], "score");
    const auto when = field(points[i], "started_at");
    if (!score.is_number()) {
      path += " ";
      continue;
    }
    const auto x = std::to_string(x_of(i));
    const auto y = std::to_string(y_of(std::clamp(score.get<double>(), 0.0, 100.0)));
    path += (path.empty() || path.back() == ' ' ? "M" : "L") + x + "," + y + " ";
    svg += "<circle class=\"point\" cx=\"" + x + "\" cy=\"" + y + "\" r=\"3\"><title>" +
           svg_text(when + ": IG1 " + score_text(score)) + "</title></circle>";
  }
  if (!path.empty()) {
    svg += "<path class=\"line\" fill=\"none\" d=\"" + path + "\"/>";
  }
  if (n > 0) {
    svg += "<text class=\"axis\" x=\"" + std::to_string(x_of(0)) + "\" y=\"" +
           std::to_string(k_height - 12) + "\" text-anchor=\"" + (n == 1 ? "middle" : "start") +
           "\">" + svg_text(field(points[0], "started_at")) + "</text>";
  }
  if (n > 1) {
    svg += "<text class=\"axis\" x=\"" + std::to_string(x_of(n - 1)) + "\" y=\"" +
           std::to_string(k_height - 12) + "\" text-anchor=\"end\">" +
           svg_text(field(points[n - 1], "started_at")) + "</text>";
  }
  return svg + "</svg>";
}

Data change_list(const json& items) {
  Data list{Data::type::list};
  for (size_t i = 0; i < items.size() && i < k_listed; ++i) {
    const auto& item = items[i];
    Data row;
    if (item.is_string()) {
      put(row, "text", Data(text(item)));
    } else if (item.contains("new_sha256")) { // a check whose definition changed
      const auto hosts = [&](const char* key) {
        std::string out;
        for (const auto& host : item.value(key, json::array())) {
          out += (out.empty() ? "" : ", ") + text(host);
        }
        return out.empty() ? std::string("none") : out;
      };
      put(row, "text",
          Data(field(item, "check_id") + "  newly failing: " + hosts("newly_failing") +
               "; newly passing: " + hosts("newly_passing")));
    } else if (item.contains("check_id")) {
      put(row, "text",
          Data(field(item, "host") + "  " + field(item, "check_id") + "  " + field(item, "from") +
               " → " + field(item, "to")));
    } else {
      put(row, "text",
          Data(field(item, "host") + "  " + field(item, "old") + " → " + field(item, "new")));
    }
    list.push_back(row);
  }
  return list;
}

} // namespace

void add_history_view(Data& view, const Index& index) {
  const auto& history = at(index.record, "history");
  if (!history.is_object()) {
    put(view, "has_history", Data(false));
    return;
  }
  put(view, "has_history", Data(true));
  put(view, "history_store", Data(field(history, "store")));
  put(view, "history_svg", Data(ig1_chart(at(history, "ig1_over_time"))));
  const auto& since = at(history, "since_last_run");
  put(view, "has_since_last_run", Data(since.is_object()));
  if (!since.is_object()) {
    return;
  }
  put(view, "since_run", Data(field(since, "old_run")));
  put(view, "since_ig1",
      Data(score_text(at(at(since, "ig1"), "old")) + " → " +
           score_text(at(at(since, "ig1"), "new"))));
  Data groups{Data::type::list};
  for (const auto& [key, title] : std::vector<std::pair<std::string, std::string>>{
           {"newly_failing", "Newly failing"},
           {"newly_passing", "Newly passing"},
           {"new_hosts", "New hosts"},
           {"vanished_hosts", "Vanished hosts"},
           {"host_key_changed", "Host keys changed"},
           {"new_checks", "New checks"},
           {"removed_checks", "Removed checks"},
           {"changed_checks", "Checks whose definition changed"}}) {
    // A result of a changed check is listed under its check, not as the host's own change.
    json items = json::array();
    for (const auto& item : at(since, key).is_array() ? at(since, key) : json::array()) {
      if (!item.is_object() || !item.value("check_changed", false)) {
        items.push_back(item);
      }
    }
    const auto count = items.size();
    Data group;
    put(group, "title", Data(title));
    put(group, "count", Data(std::to_string(count)));
    put(group, "items", change_list(items));
    put(group, "more",
        Data(count > k_listed ? "… and " + std::to_string(count - k_listed) +
                                    " more (cisscan diff lists them all)"
                              : std::string()));
    groups.push_back(group);
  }
  put(view, "since_groups", groups);
}

} // namespace cisscan::reports::html
