// A Markdown summary for CI job summaries and tickets: the score beside its coverage, the hosts,
// the failing checks across the fleet, the unacceptable risks and the exceptions.
#include "model/record_status.hpp"
#include "model/risk_state.hpp"
#include "reports/display.hpp"
#include "reports/formats.hpp"
#include "reports/xml_text.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace cisscan::reports {

namespace {

using cisscan::json;

constexpr size_t k_cell_bytes = 200; // of host text in a cell, before escaping

// Host text in a table cell: no pipes, no newlines, no markup, no raw control characters.
std::string cell(const json& value) {
  std::string text;
  if (value.is_array()) {
    for (const auto& item : value) {
      text +=
          (text.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
  } else if (value.is_string()) {
    text = value.get<std::string>();
  } else if (!value.is_null()) {
    text = value.dump();
  }
  text = xml_safe(text);
  bool cut = false;
  if (text.size() > k_cell_bytes) { // cut at a character's start, before escaping
    size_t end = k_cell_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text.resize(end);
    cut = true;
  }
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '|':
      out += "\\|";
      break;
    case '\n':
    case '\r':
      out += ' ';
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
      out += '\\';
      out += c;
      break;
    default:
      out += c;
    }
  }
  return cut ? out + "…" : out;
}

std::string score(const json& value) {
  return percent(value);
}

using Failing = std::map<std::string, std::vector<std::string>>; // check id -> hosts

void write_header(const json& record, std::ostream& out) {
  const auto& run = record["run"];
  const auto& scores = record["scores"];
  const auto& ig1 = scores["ig1"];
  out << "# CIS Controls v8 compliance: run " << cell(run["id"]) << "\n\n";
  out << "**IG1 score " << score(ig1["score"]) << "** — " << ig1.value("assessed", 0) << " of "
      << ig1.value("total", 56) << " IG1 safeguards assessed (" << ig1.value("automated", 0)
      << " automated, " << ig1.value("attested", 0) << " attested); "
      << scores.value("hosts_scanned", 0) << " of "
      << util::count_of(scores.value("hosts_in_scope", 0), "host") << " scanned.\n\n";
  out << "Scanner " << cell(run["scanner_version"]) << ", catalog `"
      << cell(run["catalog_digest"]).substr(0, 16) << "…`, started " << cell(run["started_at"])
      << ", finished " << cell(run["finished_at"]) << ", operator " << cell(run["operator"])
      << ".\n\n";
  if (const auto selection = selection_text(run); !selection.empty()) {
    out << "Checks selected: " << cell(cisscan::json(selection)) << ".\n\n";
  }
}

// The hosts table; gathers the failing checks (and their titles) on the way.
void write_hosts(const json& record, const HostSource& hosts, std::ostream& out, Failing& failing,
                 std::map<std::string, std::string>& titles) {
  out << "## Hosts\n\n| host | status | pass | fail | error | waived | IG1 | reason |\n"
      << "|---|---|---:|---:|---:|---:|---:|---|\n";
  hosts.each_scored(record, [&](const json& host, const json& host_score) {
    std::map<ResultStatus, int> counts;
    for (const auto& result : host["results"]) {
      const auto status = result_status(result);
      ++counts[status];
      if (is_gap(status)) {
        failing[result["check_id"].get<std::string>()].push_back(
            host["name"].get<std::string>() + (status == ResultStatus::error ? " (error)" : ""));
        titles[result["check_id"].get<std::string>()] = result.value("title", "");
      }
    }
    out << "| " << cell(host["name"]) << " | " << cell(host["status"]);
    for (const auto status :
         {ResultStatus::pass, ResultStatus::fail, ResultStatus::error, ResultStatus::waived}) {
      out << " | " << counts[status];
    }
    const auto ig1 = host_score.is_object() ? host_score.value("ig1", json()) : json();
    out << " | " << score(ig1.is_object() ? ig1.value("score", json()) : json()) << " | "
        << cell(host["reason"]) << " |\n";
  });
}

void write_failing(const Failing& failing, std::map<std::string, std::string>& titles,
                   std::ostream& out) {
  out << "\n## Failing checks\n\n";
  if (failing.empty()) {
    out << "None.\n";
    return;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> rows(failing.begin(),
                                                                     failing.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  out << "| check | title | hosts |\n|---|---|---|\n";
  for (const auto& [id, hosts] : rows) {
    std::string list;
    for (size_t i = 0; i < hosts.size() && i < 10; ++i) {
      list += (i ? ", " : "") + cell(hosts[i]);
    }
    if (hosts.size() > 10) {
      list += ", … (" + std::to_string(hosts.size()) + " hosts)";
    }
    out << "| " << cell(id) << " | " << cell(titles[id]) << " | " << list << " |\n";
  }
}

void write_risks(const json& record, std::ostream& out) {
  out << "\n## Unacceptable risks\n\n";
  std::vector<json> risks;
  size_t no_evidence = 0;
  for (const auto& entry : record["risk"]["entries"]) {
    const auto state = risk_state(entry);
    if (state == RiskState::unacceptable) {
      risks.push_back(entry);
    }
    no_evidence += state == RiskState::no_evidence ? 1 : 0;
  }
  std::stable_sort(risks.begin(), risks.end(), [](const json& a, const json& b) {
    return a.value("risk", 0) > b.value("risk", 0);
  });
  const auto total = record["risk"]["entries"].size();
  if (risks.empty()) {
    out << "None on evidence.";
  } else {
    out << risks.size() << " of " << total
        << " risk entries are above the acceptance criterion on evidence (max risk "
        << record["risk"]["criteria"].value("max_acceptable_risk", 0) << ").";
  }
  out << " " << no_evidence << " of " << total
      << " have no evidence (no scanned host in scope, or no result for their safeguards) "
         "and count as if their safeguards were missing.\n";
  if (!risks.empty()) {
    out << "\n| risk | score | title | safeguards | owner |\n|---|---:|---|---|---|\n";
    for (size_t i = 0; i < risks.size() && i < 10; ++i) {
      out << "| " << cell(risks[i]["id"]) << " | " << risks[i].value("risk", 0) << " | "
          << cell(risks[i]["title"]) << " | " << cell(risks[i]["safeguards"]) << " | "
          << cell(risks[i]["owner"]) << " |\n";
    }
  }
}

void write_exceptions(const json& record, const char* key, const char* title, std::ostream& out) {
  const auto entries = record.value(key, json::object()).value("entries", json::array());
  if (entries.empty()) {
    return;
  }
  out << "\n## " << title
      << "\n\n| id | state | matched | expires | by |\n|---|---|---:|---|---|\n";
  for (const auto& e : entries) {
    out << "| " << cell(e["id"]) << " | " << cell(e["state"])
        << (e.value("matched", 0) == 0 ? " (matches nothing)" : "") << " | "
        << e.value("matched", 0) << " | " << cell(e["expires"]) << " | "
        << cell(e.contains("approved_by") ? e["approved_by"] : e["attested_by"]) << " |\n";
  }
}

} // namespace

void write_markdown(const json& record, const HostSource& hosts, const RenderOptions& /*options*/,
                    std::ostream& out) {
  write_header(record, out);
  Failing failing;
  std::map<std::string, std::string> titles;
  write_hosts(record, hosts, out, failing, titles);
  write_failing(failing, titles, out);
  if (record.contains("risk")) {
    write_risks(record, out);
  }
  write_exceptions(record, "waivers", "Waivers", out);
  write_exceptions(record, "attestations", "Attestations", out);
}

} // namespace cisscan::reports
