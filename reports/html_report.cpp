// The auditor's HTML report: one self-contained file (inline CSS, inline SVG, a small script
// allowed by its hash only) rendered from the run record through a mustache template that
// escapes every value ({{...}}). The view model is built by the section files reports/html_*.cpp.
#include "reports/formats.hpp"
#include "reports/html_view.hpp"

#include "html_css.hpp"
#include "html_js.hpp"
#include "html_template.hpp"

#include <stdexcept>

namespace cisscan::reports {

namespace html {

LazyContext::LazyContext(const Data* root, std::map<std::string, LazyList> lists)
    : m_lists(std::move(lists)) {
  push(root);
}

void LazyContext::push(const Data* data) {
  m_items.insert(m_items.begin(), data);
}

void LazyContext::pop() {
  m_items.erase(m_items.begin());
}

const LazyContext::Built* LazyContext::row_list(const Data* item, size_t& row) const {
  for (const auto& [name, built] : m_built) {
    if (!built.list || !built.list->is_non_empty_list()) {
      continue;
    }
    const auto& rows = built.list->list_value();
    if (item >= rows.data() && item < rows.data() + rows.size()) {
      row = static_cast<size_t>(item - rows.data());
      return &built;
    }
  }
  return nullptr;
}

const Data* LazyContext::get(const std::string& name) const {
  if (name == ".") {
    return m_items.front();
  }
  const bool dotted = name.find('.') != std::string::npos;
  for (const auto* item : m_items) {
    size_t row = 0;
    if (const auto* built = row_list(item, row); built != nullptr) {
      auto& slot = const_cast<Built*>(built)->fields[name];
      if (built->rows.field(row, name, slot)) {
        return &slot;
      }
      continue;
    }
    if (!dotted) {
      if (const Data* value = item->get(name); value != nullptr) {
        return value;
      }
      continue;
    }
    const Data* value = item;
    size_t start = 0;
    while (value != nullptr && start <= name.size()) {
      const auto dot = name.find('.', start);
      value = value->get(name.substr(start, dot == std::string::npos ? dot : dot - start));
      if (dot == std::string::npos) {
        break;
      }
      start = dot + 1;
    }
    if (value != nullptr) {
      return value;
    }
  }
  const auto list = m_lists.find(name);
  if (list == m_lists.end()) {
    return nullptr;
  }
  for (const auto* item : m_items) {
    const Data* position = item->get(list->second.index_key);
    if (position == nullptr || !position->is_string()) {
      continue;
    }
    const size_t index = std::stoul(position->string_value());
    auto& built = m_built[name];
    if (!built.list || built.index != index) {
      built.index = index;
      built.rows = list->second.rows(index);
      built.fields.clear();
      built.list = std::make_unique<Data>(Data::type::list);
      auto& placeholders = const_cast<kainjow::mustache::list&>(built.list->list_value());
      placeholders.clear();
      placeholders.reserve(built.rows.count);
      for (size_t i = 0; i < built.rows.count; ++i) {
        placeholders.emplace_back(true);
      }
    }
    return built.list.get();
  }
  return nullptr;
}

const Data* LazyContext::get_partial(const std::string& name) const {
  return get(name);
}

std::map<std::string, LazyList> lazy_lists(const Index& index) {
  auto columns = std::make_shared<const std::vector<std::string>>(heatmap_columns(index));
  return {
      {"host_findings",
       {"host_index", [&index](size_t host) { return host_findings(index, host); }}},
      {"host_results", {"host_index", [&index](size_t host) { return host_results(index, host); }}},
      {"heat_cells",
       {"host_index",
        [&index, columns](size_t host) { return heatmap_cells(index, *columns, host); }}},
      {"risk_findings",
       {"risk_index", [&index](size_t entry) { return risk_findings(index, entry); }}},
      {"check_rows", {"check_index", [&index](size_t check) { return check_rows(index, check); }}},
  };
}

} // namespace html

void write_html(const cisscan::json& record, const HostSource& hosts, const RenderOptions& options,
                std::ostream& out) {
  using namespace html;
  // The index keeps what the views show of hosts side by side (a check across the fleet, a
  // node beside its guests); the sections that list one host's results read that host again.
  const Index index(record, hosts);
  const int64_t now = render_time();
  const bool summary = options.html_detail == "summary";
  Data view = object_data();
  put(view, "detail_summary", Data(summary));
  add_run_view(view, index, now);
  add_summary_view(view, index, now);
  add_coverage_view(view, index);
  add_controls_chart(view, index);
  add_heatmap_view(view, index);
  add_checks_view(view, index, summary);
  if (!summary) {
    add_findings_view(view, index);
    add_hosts_view(view, index);
  }
  add_risk_view(view, index);
  add_exceptions_view(view, index);
  add_history_view(view, index);
  put(view, "css", Data(std::string(embedded::html_css)));
  put(view, "js", Data(std::string(embedded::html_js)));
  put(view, "script_hash", Data(sha256_base64(embedded::html_js)));

  // The sections per host of Findings and of Hosts are rendered side by side.
  static const auto cut = cut_template(embedded::html_template, {"finding_groups", "hosts"});
  render_side_by_side(cut, view, index, out);
}

} // namespace cisscan::reports
