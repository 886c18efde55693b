// Findings as CSV (RFC 4180) for auditors' spreadsheets: one row per fail, error or waived result.
// Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
#include "model/record_status.hpp"
#include "reports/display.hpp"
#include "reports/formats.hpp"
#include "reports/xml_text.hpp"

#include <map>
#include <sstream>

namespace cisscan::reports {

namespace {

using cisscan::json;

std::string field(const json& value) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_array()) {
    for (const auto& item : value) {
      text +=
          (text.empty() ? "" : " ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
  } else if (!value.is_null()) {
    text = value.dump();
  }
  text = xml_safe(text);
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    text = "'" + text;
  }
  std::string out = "\"";
  for (const char c : text) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

} // namespace

void write_csv(const json& record, const HostSource& hosts, const RenderOptions& /*options*/,
               std::ostream& out) {
  out << "run_id,host,address,host_status,check_id,title,status,original_status,safeguards,"
         "benchmark,ref,level,expected,observed,reason,risks,waiver,probe_ids,evidence_sha256\r\n";
  const auto run_id = record["run"].value("id", json());
  hosts.each([&](const json& host) {
    std::map<std::string, std::string> sha;
    for (const auto& probe : host["probes"]) {
      sha[probe["id"].get<std::string>()] = probe.value("output_sha256", "");
    }
    for (const auto& result : host["results"]) {
      if (!is_finding(result_status(result))) {
        continue;
      }
      json hashes = json::array();
      for (const auto& id : result.value("probe_ids", json::array())) {
        hashes.push_back(sha[id.get<std::string>()]);
      }
      // One benchmark per position: "cis-debian12 cis-debian13", "1.5.1 1.5.9", "L1 L1".
      json ids = json::array();
      json refs = json::array();
      json levels = json::array();
      for (const auto& b : benchmarks_of(result)) {
        ids.push_back(b.value("id", json()));
        refs.push_back(b.value("ref", json()));
        levels.push_back(b.value("level", json()));
      }
      const json cells[] = {run_id,
                            host["name"],
                            host["address"],
                            host["status"],
                            result["check_id"],
                            result["title"],
                            result["status"],
                            result.value("original_status", json()),
                            result["safeguards"],
                            ids,
                            refs,
                            levels,
                            result["expected"],
                            result["observed"],
                            result["reason"],
                            result.value("risks", json::array()),
                            result.contains("waiver") ? result["waiver"]["id"] : json(),
                            result["probe_ids"],
                            hashes};
      bool first = true;
      for (const auto& c : cells) {
        out << (first ? "" : ",") << field(c);
        first = false;
      }
      out << "\r\n";
    }
  });
}

} // namespace cisscan::reports
