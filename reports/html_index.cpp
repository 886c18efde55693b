// The lookups the HTML report's sections share, built in one pass over the record, and the
// small builders of the view model.
#include "model/record_status.hpp"
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

namespace cisscan::reports::html {

namespace {

std::string pair_key(const std::string& a, const std::string& b) {
  return a + '\x1f' + b;
}

const json& array_at(const json& object, std::string_view key) {
  static const json k_empty = json::array();
  const auto& value = at(object, key);
  return value.is_array() ? value : k_empty;
}

} // namespace

Index::Index(const json& record_, const HostSource& hosts)
    : record(record_), m_source(hosts), m_own(hosts.array()) {
  static const json k_no_scores = json::object();
  if (hosts.holds_scores()) {
    m_score_storage = json::object();
    hosts.each_score_text([&](const std::string& name, std::string_view text) {
      (*m_score_storage)[name] = json::parse(text);
    });
    m_scores = &*m_score_storage;
  } else {
    const auto* own = HostSource::scores_of(record_);
    m_scores = own != nullptr ? own : &k_no_scores;
  }
  const size_t count = hosts.size();
  m_heads.reserve(count);
  m_result_counts.reserve(count);
  m_tallies.reserve(count);
  m_unscanned.reserve(count);
  size_t h = 0;
  hosts.each([&](const json& host) { add_host(h++, host); });
  const auto& waivers = array_at(at(record_, "waivers"), "entries");
  for (size_t w = 0; w < waivers.size(); ++w) {
    const auto& id = at(waivers[w], "id");
    if (id.is_string()) {
      m_waiver_anchor.emplace(id.get<std::string>(), "waiver-" + std::to_string(w));
    }
  }
  const auto& entries = array_at(at(record_, "risk"), "entries");
  for (size_t e = 0; e < entries.size(); ++e) {
    const auto& id = at(entries[e], "id");
    if (id.is_string()) {
      m_risk_anchor.emplace(id.get<std::string>(), "risk-" + std::to_string(e));
    }
  }
}

void Index::add_host(size_t h, const json& host) {
  json head = host.is_object() ? json::object() : host;
  if (host.is_object()) {
    for (const auto& [key, value] : host.items()) {
      if (key != "results" && key != "probes") {
        head[key] = value;
      }
    }
  }
  m_heads.push_back(std::move(head));
  const auto& results = array_at(host, "results");
  m_result_counts.push_back(results.size());
  const auto& name = at(host, "name");
  if (name.is_string()) {
    m_host_index.emplace(name.get<std::string>(), h);
  }
  const auto host_state = cisscan::host_status(host);
  m_unscanned.push_back(host_state != HostStatus::ok && host_state != HostStatus::skipped &&
                        array_at(host, "probes").empty());
  auto& tally = m_tallies.emplace_back();
  for (size_t r = 0; r < results.size(); ++r) {
    const auto status = parse_result_status(status_word(results[r], "status"));
    if (!status) {
      continue;
    }
    ++tally.counts[status_slot(*status)];
    add_check_result(results[r], h, r, *status);
    if (!is_finding(*status) || m_unscanned[h]) {
      continue;
    }
    tally.findings.push_back(r);
    const auto& check = at(results[r], "check_id");
    if (name.is_string() && check.is_string()) {
      m_finding_anchor.emplace(pair_key(name.get<std::string>(), check.get<std::string>()),
                               html::finding_anchor(h, r));
    }
  }
  if (m_unscanned[h] && name.is_string()) {
    // Every result of an unscanned host links to the one card that stands for them.
    for (const auto& result : results) {
      const auto& check = at(result, "check_id");
      if (check.is_string()) {
        m_finding_anchor.emplace(pair_key(name.get<std::string>(), check.get<std::string>()),
                                 unscanned_anchor(h));
      }
    }
  }
}

void Index::add_check_result(const json& result, size_t host, size_t r, ResultStatus status) {
  const auto& check = at(result, "check_id");
  if (!check.is_string()) {
    return;
  }
  auto [it, added] = m_check_index.emplace(check.get<std::string>(), m_checks.size());
  if (added) {
    m_checks.push_back(CheckEntry{check.get<std::string>(), result, {}, {}});
    for (const auto& s : array_at(result, "safeguards")) {
      if (s.is_string()) {
        m_safeguard_checks[s.get<std::string>()].push_back(it->second);
      }
    }
  }
  if (m_unscanned[host]) {
    return;
  }
  auto& entry = m_checks[it->second];
  const auto& observed = *m_observed.insert(field(result, "observed")).first;
  entry.results.push_back(CheckResult{host, r, status, &observed});
  ++entry.counts[status_slot(status)];
}

const std::vector<size_t>& Index::checks_of(const std::string& safeguard_id) const {
  static const std::vector<size_t> k_none;
  const auto it = m_safeguard_checks.find(safeguard_id);
  return it == m_safeguard_checks.end() ? k_none : it->second;
}

std::string Index::ig_mark(const std::string& safeguard_id) const {
  const auto& safeguard = at(at(at(record, "catalog"), "safeguards"), safeguard_id);
  if (!safeguard.is_object() || at(safeguard, "ig1") == true) {
    return {};
  }
  return at(safeguard, "ig2") == true ? "IG2" : "IG3";
}

std::string Index::waiver_anchor(const std::string& waiver_id) const {
  const auto it = m_waiver_anchor.find(waiver_id);
  return it == m_waiver_anchor.end() ? std::string() : it->second;
}

std::shared_ptr<const json> Index::host(size_t h) const {
  if (m_own != nullptr) {
    return std::shared_ptr<const json>(std::shared_ptr<const json>(), &(*m_own)[h]); // not owned
  }
  return std::make_shared<const json>(m_source.at(h));
}

const json& Index::host_score(size_t h) const {
  return at(*m_scores, string_of(at(m_heads[h], "name")));
}

std::string Index::finding_anchor(const std::string& host, const std::string& check_id) const {
  const auto it = m_finding_anchor.find(pair_key(host, check_id));
  return it == m_finding_anchor.end() ? std::string() : it->second;
}

std::string Index::host_anchor(const std::string& host) const {
  const auto it = m_host_index.find(host);
  return it == m_host_index.end() ? std::string() : html::host_anchor(it->second);
}

std::string Index::risk_anchor(const std::string& risk_id) const {
  const auto it = m_risk_anchor.find(risk_id);
  return it == m_risk_anchor.end() ? std::string() : it->second;
}

std::string Index::safeguard_title(const std::string& id) const {
  return field(at(at(at(record, "catalog"), "safeguards"), id), "title");
}

std::string Index::control_title(const std::string& id) const {
  return text(at(at(at(record, "catalog"), "controls"), id));
}

const json& RowValues::get(size_t row, const json& object, std::string_view key) const {
  if (row != m_row) {
    m_row = row;
    m_values.clear();
  }
  for (const auto& [k, v] : m_values) {
    if (k == key) {
      return *v;
    }
  }
  const json& value = at(object, key);
  m_values.emplace_back(key, &value);
  return value;
}

std::string RowValues::text(size_t row, const json& object, std::string_view key) const {
  return html::text(get(row, object, key));
}

Data list_data() {
  return Data{Data::type::list};
}

Data object_data() {
  return Data{Data::type::object};
}

void push(Data& list, Data item) {
  // The list object itself is not const: only kainjow's accessor is.
  const_cast<kainjow::mustache::list&>(list.list_value()).push_back(std::move(item));
}

void put(Data& object, const std::string& key, Data value) {
  object[key] = std::move(value);
}

bool list_empty(const Data& list) {
  return !list.is_non_empty_list();
}

} // namespace cisscan::reports::html
