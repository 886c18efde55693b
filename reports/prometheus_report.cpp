// node_exporter textfile-collector metrics: the IG1 score, per-safeguard scores, failing checks
// per host, hosts that could not be scanned and the scan's duration.
#include "model/record_status.hpp"
#include "reports/formats.hpp"
#include "reports/xml_text.hpp"

#include <ctime>
#include <map>
#include <sstream>

namespace cisscan::reports {

namespace {

using cisscan::json;

// A label value: valid UTF-8 (other bytes as \xNN, as in the other reports), then escaped.
std::string label(const std::string& value) {
  std::string out;
  for (const char c : xml_safe(value)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Seconds since the epoch of "2026-11-25T19:34:30.123Z"; -1 when it does not parse.
double epoch(const json& value) {
  if (!value.is_string()) {
    return -1;
  }
  std::tm tm{};
  int millis = 0;
  const auto text = value.get<std::string>();
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + millis / 1000.0;
}

class Metrics {
public:
  void family(const std::string& name, const std::string& help) {
    m_out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
  }
  void sample(const std::string& name, const std::string& labels, double value) {
    m_out << name;
    if (!labels.empty()) {
      m_out << "{" << labels << "}";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), " %.10g\n", value);
    m_out << buffer;
  }
  std::string str() const { return m_out.str(); }

private:
  std::ostringstream m_out;
};

} // namespace

void write_prometheus(const json& record, const HostSource& hosts,
                      const RenderOptions& /*options*/, std::ostream& out) {
  Metrics m;
  const auto& scores = record["scores"];
  const auto& ig1 = scores["ig1"];
  // Scores carry no run label, so each stays one series across runs (alerts on a drop work);
  // the run's id is an info metric of its own.
  m.family("cisscan_run_info", "The last scan's run id, as a label; the value is always 1.");
  m.sample("cisscan_run_info", "run_id=\"" + label(record["run"].value("id", "")) + "\"", 1);
  m.family("cisscan_ig1_score", "IG1 score of the last scan, 0-100 (absent when not assessed).");
  if (ig1["score"].is_number()) {
    m.sample("cisscan_ig1_score", "", ig1["score"].get<double>());
  }
  m.family("cisscan_ig1_safeguards_assessed", "IG1 safeguards with results or attestations.");
  m.sample("cisscan_ig1_safeguards_assessed", "", ig1.value("assessed", 0));
  m.family("cisscan_ig1_safeguards", "IG1 safeguards in CIS Controls v8.");
  m.sample("cisscan_ig1_safeguards", "", ig1.value("total", 56));
  m.family("cisscan_safeguard_score", "Fleet score per CIS v8 safeguard, 0-100.");
  for (const auto& [id, tally] : scores["safeguards"].items()) {
    if (tally["score"].is_number()) {
      m.sample("cisscan_safeguard_score", "safeguard=\"" + label(id) + "\"",
               tally["score"].get<double>());
    }
  }
  m.family("cisscan_host_failing_checks", "Check results that failed (not waived) per host.");
  std::map<HostStatus, int> statuses;
  int unreachable = 0;
  hosts.each([&](const json& host) {
    int failing = 0;
    for (const auto& result : host["results"]) {
      failing += result_status(result) == ResultStatus::fail ? 1 : 0;
    }
    m.sample("cisscan_host_failing_checks",
             "host=\"" + label(host["name"].get<std::string>()) + "\"", failing);
    const auto status = host_status(host);
    ++statuses[status];
    unreachable += status == HostStatus::unreachable || status == HostStatus::timeout ? 1 : 0;
  });
  m.family("cisscan_hosts", "Hosts of the last scan by status.");
  for (const auto status : k_host_statuses.values()) {
    m.sample("cisscan_hosts", "status=\"" + std::string(to_string(status)) + "\"",
             statuses[status]);
  }
  m.family("cisscan_hosts_unreachable", "Hosts that could not be reached or timed out.");
  m.sample("cisscan_hosts_unreachable", "", unreachable);
  const double started = epoch(record["run"]["started_at"]);
  const double finished = epoch(record["run"]["finished_at"]);
  if (started >= 0 && finished >= started) {
    m.family("cisscan_scan_duration_seconds", "Wall time of the last scan.");
    m.sample("cisscan_scan_duration_seconds", "", finished - started);
    m.family("cisscan_last_run_timestamp_seconds", "When the last scan finished.");
    m.sample("cisscan_last_run_timestamp_seconds", "", finished);
  }
  out << m.str();
}

} // namespace cisscan::reports
