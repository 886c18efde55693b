// The control-by-control bar chart (inline SVG built here, every string escaped by svg_text)
// and the host x safeguard heatmap (a table: colour, text and a title per cell).
#include "model/record_status.hpp"
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace cisscan::reports::html {

namespace {

constexpr int k_chart_width = 920;
constexpr int k_label_width = 370;
constexpr int k_bar_width = 280;
constexpr int k_row_height = 24;
constexpr int k_bar_height = 14;
constexpr int k_top = 6;

// What a tally without a score says in place of a number.
std::string unscored_text(SafeguardState state) {
  if (state == SafeguardState::attested) {
    return "attested, no automated result";
  }
  if (state == SafeguardState::not_applicable) {
    return "not applicable";
  }
  return "not assessed";
}

std::string svg_bar(int row, const std::string& control, const std::string& title,
                    const json& tally) {
  const int y = k_top + row * k_row_height;
  const int bar_y = y + (k_row_height - k_bar_height) / 2;
  const int text_y = y + k_row_height / 2 + 4;
  const auto& score = at(tally, "score");
  const auto state = tally.is_object() ? field(tally, "state") : std::string("not_assessed");
  std::string value;
  std::string fill;
  if (score.is_number()) {
    const double s = std::clamp(score.get<double>(), 0.0, 100.0);
    const auto counts = counts_text(at(tally, "counts"));
    value = score_text(score) + (counts.empty() ? "" : " (" + counts + ")");
    const int width = static_cast<int>(std::lround(s / 100.0 * k_bar_width));
    fill = "<rect class=\"fill st-" + svg_text(state) + "\" x=\"" + std::to_string(k_label_width) +
           "\" y=\"" + std::to_string(bar_y) + "\" width=\"" + std::to_string(width) +
           "\" height=\"" + std::to_string(k_bar_height) + "\"/>";
  } else {
    value = unscored_text(safeguard_state(tally));
  }
  const auto label = "Control " + control + (title.empty() ? "" : ", " + title) + ": " + value;
  std::string out = "<g class=\"bar\" role=\"img\" data-control=\"" + svg_text(control) +
                    "\" data-title=\"" + svg_text(title) + "\" aria-label=\"" + svg_text(label) +
                    "\"><title>" + svg_text(label) + "</title>";
  out += "<text class=\"lbl\" x=\"0\" y=\"" + std::to_string(text_y) + "\">" +
         svg_text(control + "  " + title) + "</text>";
  out += "<rect class=\"track" + std::string(score.is_number() ? "" : " unscored") + "\" x=\"" +
         std::to_string(k_label_width) + "\" y=\"" + std::to_string(bar_y) + "\" width=\"" +
         std::to_string(k_bar_width) + "\" height=\"" + std::to_string(k_bar_height) + "\"/>";
  out += fill;
  out += "<text class=\"val\" x=\"" + std::to_string(k_label_width + k_bar_width + 8) + "\" y=\"" +
         std::to_string(text_y) + "\">" + svg_text(value) + "</text></g>";
  return out;
}

} // namespace

void add_controls_chart(Data& view, const Index& index) {
  const auto& controls = at(at(index.record, "scores"), "controls");
  const int rows = 18;
  const int height = k_top * 2 + rows * k_row_height;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    std::to_string(k_chart_width) + " " + std::to_string(height) +
                    "\" role=\"group\" aria-labelledby=\"controls-chart-title\">"
                    "<title id=\"controls-chart-title\">Fleet score per CIS control</title>";
  int assessed = 0;
  for (int c = 1; c <= rows; ++c) {
    const auto id = std::to_string(c);
    const auto& tally = at(controls, id);
    assessed += at(tally, "score").is_number() ? 1 : 0;
    svg += svg_bar(c - 1, id, index.control_title(id), tally);
  }
  svg += "</svg>";
  put(view, "controls_svg", svg);
  put(view, "controls_assessed", std::to_string(assessed));
}

void add_heatmap_view(Data& view, const Index& index) {
  const auto columns = heatmap_columns(index);
  Data column_list = list_data();
  size_t ig1_columns = 0;
  for (const auto& id : columns) {
    Data item = object_data();
    const auto title = index.safeguard_title(id);
    const auto mark = index.ig_mark(id);
    ig1_columns += mark.empty() ? 1 : 0;
    put(item, "id", xml_safe(id));
    put(item, "mark", mark);
    put(item, "has_mark", Data(!mark.empty()));
    put(item, "title",
        xml_safe(id) + (mark.empty() ? ", IG1" : ", " + mark + " only, outside IG1") +
            (title.empty() ? "" : ": " + title));
    push(column_list, std::move(item));
  }
  put(view, "heat_ig1_columns", std::to_string(ig1_columns));
  put(view, "heat_has_ig1_columns", Data(ig1_columns > 0));
  put(view, "heat_other_columns", std::to_string(columns.size() - ig1_columns));
  put(view, "heat_has_other_columns", Data(columns.size() > ig1_columns));
  Data rows = list_data();
  for (const size_t h : host_order(index)) {
    const auto& host = index.head(h);
    const auto name = field(host, "name");
    const auto& score = index.host_score(h);
    Data item = object_data();
    put(item, "host_index", std::to_string(h));
    put(item, "name", name);
    put(item, "anchor", host_anchor(h));
    put(item, "status", field(host, "status"));
    put(item, "host_ok", Data(field(host, "status") == "ok"));
    put(item, "ig1", score_text(at(at(score, "ig1"), "score")));
    push(rows, std::move(item));
  }
  put(view, "heat_has_columns", Data(!columns.empty()));
  put(view, "heat_wide", Data(columns.size() > 24)); // printed at a fixed, small width
  put(view, "heat_columns", std::move(column_list));
  put(view, "heat_rows", std::move(rows));
}

std::vector<std::string> heatmap_columns(const Index& index) {
  std::set<std::string> ids;
  for (const auto& [name, score] : index.host_scores().items()) {
    for (const auto& [id, tally] : at(score, "safeguards").items()) {
      ids.insert(id);
    }
  }
  std::vector<std::string> columns(ids.begin(), ids.end());
  // The IG1 safeguards first, then those outside IG1, each group in numeric order.
  std::sort(columns.begin(), columns.end(), [&index](const std::string& a, const std::string& b) {
    const bool a_ig1 = index.ig_mark(a).empty();
    const bool b_ig1 = index.ig_mark(b).empty();
    if (a_ig1 != b_ig1) {
      return a_ig1;
    }
    return safeguard_order(a) < safeguard_order(b);
  });
  return columns;
}

Rows heatmap_cells(const Index& index, const std::vector<std::string>& columns, size_t host_index) {
  const auto name = field(index.head(host_index), "name");
  const auto& tallies = at(index.host_score(host_index), "safeguards");
  Data cells = list_data();
  for (const auto& id : columns) {
    const auto& tally = at(tallies, id);
    const auto safe_id = xml_safe(id);
    Data cell = object_data();
    if (!tally.is_object()) {
      put(cell, "state", "none");
      put(cell, "text", "\u2013");
      put(cell, "title", name + ", " + safe_id + ": no result");
    } else {
      const auto state = field(tally, "state");
      const auto& score = at(tally, "score");
      std::string shown;
      if (score.is_number()) {
        char buffer[16];
        std::snprintf(buffer, sizeof(buffer), "%.0f", score.get<double>());
        shown = buffer;
      } else {
        const auto kind = safeguard_state(tally);
        shown = kind == SafeguardState::attested         ? "att."
                : kind == SafeguardState::not_applicable ? "n/a"
                                                         : "\u2013";
      }
      const auto counts = counts_text(at(tally, "counts"));
      std::string state_text = state;
      std::replace(state_text.begin(), state_text.end(), '_', ' ');
      put(cell, "state", state);
      put(cell, "text", shown);
      put(cell, "title",
          name + ", " + safe_id + ": " + state_text +
              (score.is_number() ? " " + score_text(score) : "") +
              (counts.empty() ? "" : " (" + counts + ")"));
    }
    push(cells, std::move(cell));
  }
  auto shared = std::make_shared<const Data>(std::move(cells));
  return Rows{columns.size(), [shared](size_t row, const std::string& name, Data& out) {
                const Data* value = shared->list_value()[row].get(name);
                if (value == nullptr) {
                  return false;
                }
                out = Data(*value);
                return true;
              }};
}

} // namespace cisscan::reports::html
