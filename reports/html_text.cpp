// Text, time and lookup helpers of the HTML report's view model.
#include "reports/display.hpp"
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

namespace cisscan::reports::html {

const json& at(const json& object, std::string_view key) {
  static const json k_null;
  if (!object.is_object()) {
    return k_null;
  }
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

std::string text(const json& value) {
  if (value.is_string()) {
    return xml_safe(value.get_ref<const std::string&>());
  }
  if (value.is_null()) {
    return {};
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      out += (out.empty() ? "" : ", ") + text(item);
    }
    return out;
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "yes" : "no";
  }
  return xml_safe(value.dump());
}

std::string field(const json& object, std::string_view key) {
  return text(at(object, key));
}

std::string score_text(const json& score) {
  return percent(score);
}

std::string plural(int64_t n, std::string_view singular, std::string_view plural_form) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural_form);
}

std::string svg_text(std::string_view raw) {
  const auto safe = xml_safe(raw);
  std::string out;
  out.reserve(safe.size());
  for (const char c : safe) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string sha256_base64(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest,
                                      static_cast<int>(length));
  out.resize(written < 0 ? 0 : static_cast<size_t>(written));
  return out;
}

int64_t parse_timestamp(std::string_view timestamp) {
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  const std::string copy(timestamp);
  if (std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return -1;
  }
  using namespace std::chrono;
  const year_month_day date{year{y}, month{mo}, day{d}};
  if (!date.ok()) {
    return -1;
  }
  const auto days = sys_days{date}.time_since_epoch().count();
  return static_cast<int64_t>(days) * 86400 + h * 3600 + mi * 60 + s;
}

std::string format_timestamp(int64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string age_text(int64_t seconds) {
  if (seconds < 60) {
    return "less than a minute";
  }
  if (seconds < 3600) {
    return plural(seconds / 60, "minute", "minutes");
  }
  if (seconds < 2 * 86400) {
    return plural(seconds / 3600, "hour", "hours");
  }
  return plural(seconds / 86400, "day", "days");
}

int64_t render_time() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long value = std::strtoll(epoch, &end, 10);
    if (end != nullptr && *end == '\0' && value >= 0) {
      return value;
    }
  }
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::pair<int, int> safeguard_order(const std::string& id) {
  int control = 0;
  int number = 0;
  std::sscanf(id.c_str(), "%d.%d", &control, &number);
  return {control, number};
}

std::string control_of(const std::string& safeguard_id) {
  return safeguard_id.substr(0, safeguard_id.find('.'));
}

std::string controls_attribute(const json& safeguards) {
  std::set<std::string> controls;
  for (const auto& s : safeguards) {
    if (s.is_string()) {
      controls.insert(xml_safe(control_of(s.get_ref<const std::string&>())));
    }
  }
  std::string out = " ";
  for (const auto& c : controls) {
    out += c + " ";
  }
  return out;
}

std::string status_label(const std::string& status) {
  return status == "not_applicable" ? "not applicable" : status;
}

std::string string_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string safeguards_text(const Index& index, const json& safeguards, bool titles) {
  std::string out;
  for (const auto& s : safeguards) {
    const auto id = string_of(s);
    const auto title = titles ? index.safeguard_title(id) : std::string();
    out += (out.empty() ? ""
            : titles    ? "; "
                        : ", ") +
           xml_safe(id) + (title.empty() ? "" : " " + title);
  }
  return out;
}

bool is_finding(std::string_view status) {
  return status == "fail" || status == "error" || status == "waived";
}

std::string finding_anchor(size_t host, size_t result) {
  return "f-" + std::to_string(host) + "-" + std::to_string(result);
}

std::string host_anchor(size_t host) {
  return "host-" + std::to_string(host);
}

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
    case '&':
      entity = "&amp;";
      break;
    case '<':
      entity = "&lt;";
      break;
    case '>':
      entity = "&gt;";
      break;
    case '"':
      entity = "&quot;";
      break;
    case '\'':
      entity = "&apos;";
      break;
    default:
      continue;
    }
    out.append(text, start, i - start);
    out += entity;
    start = i + 1;
  }
  out.append(text, start, std::string::npos);
  return out;
}

int64_t HostTally::count(std::string_view status) const {
  for (size_t i = 0; i < k_statuses.size(); ++i) {
    if (k_statuses[i] == status) {
      return counts[i];
    }
  }
  return 0;
}

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

Index::Index(const json& record_) : record(record_), hosts(array_at(record_, "hosts")) {
  m_tallies.resize(hosts.size());
  for (size_t h = 0; h < hosts.size(); ++h) {
    const auto& name = at(hosts[h], "name");
    if (name.is_string()) {
      m_host_index.emplace(name.get<std::string>(), h);
    }
    auto& tally = m_tallies[h];
    const auto& results = array_at(hosts[h], "results");
    for (size_t r = 0; r < results.size(); ++r) {
      const auto& status = at(results[r], "status");
      if (!status.is_string()) {
        continue;
      }
      const auto& s = status.get_ref<const std::string&>();
      for (size_t i = 0; i < k_statuses.size(); ++i) {
        if (k_statuses[i] == s) {
          ++tally.counts[i];
          break;
        }
      }
      if (!is_finding(s)) {
        continue;
      }
      tally.findings.push_back(r);
      const auto& check = at(results[r], "check_id");
      if (name.is_string() && check.is_string()) {
        m_finding_anchor.emplace(pair_key(name.get<std::string>(), check.get<std::string>()),
                                 html::finding_anchor(h, r));
      }
    }
  }
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

std::string Index::waiver_anchor(const std::string& waiver_id) const {
  const auto it = m_waiver_anchor.find(waiver_id);
  return it == m_waiver_anchor.end() ? std::string() : it->second;
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
