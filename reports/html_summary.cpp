// Run metadata and the executive summary of the HTML report.
#include "model/record_status.hpp"
#include "model/risk_state.hpp"
#include "reports/display.hpp"
#include "reports/html_view.hpp"

#include <algorithm>
#include <array>

namespace cisscan::reports::html {

namespace {

Data file_item(const std::string& kind, const json& path, const json& sha256) {
  Data item = object_data();
  put(item, "kind", kind);
  put(item, "path", text(path));
  put(item, "sha256", text(sha256));
  return item;
}

int64_t integer(const json& value, int64_t fallback = 0) {
  return value.is_number_integer() ? value.get<int64_t>() : fallback;
}

} // namespace

void add_run_view(Data& view, const Index& index, int64_t now) {
  const auto& run = at(index.record, "run");
  for (const char* key : {"id", "started_at", "finished_at", "scanner_version", "controls_version",
                          "catalog_digest", "inventory_source", "operator"}) {
    put(view, std::string("run_") + key, field(run, key));
  }
  put(view, "schema_version", field(index.record, "schema_version"));
  put(view, "rendered_at", format_timestamp(now));
  const auto started = parse_timestamp(field(run, "started_at"));
  const auto finished = parse_timestamp(field(run, "finished_at"));
  const bool timed = started >= 0 && finished >= started;
  put(view, "has_run_duration", Data(timed));
  put(view, "run_duration", timed ? plural(finished - started, "second", "seconds") : "");

  Data catalog_files = list_data();
  for (const auto& path : at(run, "catalog_files")) {
    push(catalog_files, Data(text(path)));
  }
  put(view, "has_catalog_files", Data(!list_empty(catalog_files)));
  put(view, "catalog_files", std::move(catalog_files));
  put(view, "checks_paths", field(run, "checks_paths"));
  const auto selection = selection_text(run);
  put(view, "has_run_selection", Data(!selection.empty()));
  put(view, "run_selection", text(json(selection)));

  // The files that changed the scan's verdicts: waivers, attestations and the risk register.
  Data files = list_data();
  for (const auto& file : at(index.record, "exception_files")) {
    push(files, file_item(field(file, "kind"), at(file, "path"), at(file, "sha256")));
  }
  const auto& reg = at(at(index.record, "risk"), "register");
  if (reg.is_object()) {
    const auto name = field(reg, "name");
    push(files, file_item(name.empty() ? "risk register" : "risk register (" + name + ")",
                          at(reg, "file"), at(reg, "sha256")));
  }
  put(view, "has_files", Data(!list_empty(files)));
  put(view, "files", std::move(files));
  const auto as_of = field(at(index.record, "waivers"), "as_of");
  put(view, "has_exceptions_as_of", Data(!as_of.empty()));
  put(view, "exceptions_as_of", as_of);
}

namespace {

// Hosts in scope (not skipped) against scanned (ok), why the rest were not, and the results of
// every host by status; returns those counts.
std::array<int64_t, k_statuses.size()> add_hosts_summary(Data& view, const Index& index) {
  const auto& scores = at(index.record, "scores");
  int64_t in_scope = 0;
  int64_t scanned = 0;
  int64_t errors_on_unscanned = 0;
  std::array<int64_t, k_statuses.size()> counts{};
  Data not_scanned = list_data();
  for (size_t h = 0; h < index.host_count(); ++h) {
    const auto& host = index.head(h);
    const auto status = host_status(host);
    in_scope += status == HostStatus::skipped ? 0 : 1;
    scanned += status == HostStatus::ok ? 1 : 0;
    const auto& tally = index.tally(h);
    for (size_t i = 0; i < k_statuses.size(); ++i) {
      counts[i] += tally.counts[i];
    }
    errors_on_unscanned += status != HostStatus::ok ? tally.count(ResultStatus::error) : 0;
    if (status != HostStatus::ok) {
      Data item = object_data();
      put(item, "name", field(host, "name"));
      put(item, "anchor", host_anchor(h));
      put(item, "status", field(host, "status"));
      put(item, "reason", field(host, "reason"));
      put(item, "scope",
          status == HostStatus::skipped ? "not in scope (skipped on purpose)"
                                        : "in scope, not completely scanned");
      push(not_scanned, std::move(item));
    }
  }
  put(view, "hosts_total", std::to_string(index.host_count()));
  put(view, "hosts_in_scope", std::to_string(integer(at(scores, "hosts_in_scope"), in_scope)));
  put(view, "hosts_scanned", std::to_string(integer(at(scores, "hosts_scanned"), scanned)));
  put(view, "has_not_scanned", Data(!list_empty(not_scanned)));
  put(view, "not_scanned", std::move(not_scanned));

  Data status_counts = list_data();
  int64_t total = 0;
  for (size_t i = 0; i < k_statuses.size(); ++i) {
    Data item = object_data();
    put(item, "status", std::string(to_string(k_statuses[i])));
    put(item, "label", status_label(k_statuses[i]));
    put(item, "count", std::to_string(counts[i]));
    total += counts[i];
    push(status_counts, std::move(item));
  }
  put(view, "status_counts", std::move(status_counts));
  put(view, "results_total", std::to_string(total));
  put(view, "has_errors_on_unscanned", Data(errors_on_unscanned > 0));
  put(view, "errors_on_unscanned", plural(errors_on_unscanned, "error", "errors"));
  return counts;
}

Data risk_item(const Index& index, const json& e) {
  Data item = object_data();
  put(item, "id", field(e, "id"));
  put(item, "anchor",
      index.risk_anchor(at(e, "id").is_string() ? at(e, "id").get<std::string>() : std::string()));
  put(item, "title", field(e, "title"));
  put(item, "risk", field(e, "risk"));
  put(item, "impact", field(at(e, "impact"), "score"));
  put(item, "expectancy", field(e, "expectancy"));
  put(item, "findings", std::to_string(at(e, "findings").size()));
  put(item, "owner", field(e, "owner"));
  return item;
}

// The worst risks unacceptable on evidence: highest score first, then the most findings.
void add_risks_summary(Data& view, const Index& index) {
  const auto& entries = at(at(index.record, "risk"), "entries");
  std::vector<const json*> worst;
  int64_t no_evidence = 0;
  for (const auto& entry : entries) {
    const auto state = entry.is_object() ? risk_state(entry) : RiskState::acceptable;
    if (state == RiskState::unacceptable) {
      worst.push_back(&entry);
    }
    no_evidence += state == RiskState::no_evidence ? 1 : 0;
  }
  std::stable_sort(worst.begin(), worst.end(), [](const json* a, const json* b) {
    const auto ra = integer(at(*a, "risk"));
    const auto rb = integer(at(*b, "risk"));
    if (ra != rb) {
      return ra > rb;
    }
    return at(*a, "findings").size() > at(*b, "findings").size();
  });
  Data worst_list = list_data();
  for (size_t i = 0; i < worst.size() && i < 5; ++i) {
    push(worst_list, risk_item(index, *worst[i]));
  }
  put(view, "has_risk", Data(entries.is_array()));
  put(view, "risk_entries", std::to_string(entries.size()));
  put(view, "risk_unacceptable", std::to_string(worst.size()));
  put(view, "risk_no_evidence", std::to_string(no_evidence));
  put(view, "risk_acceptable",
      std::to_string(static_cast<int64_t>(entries.size()) - static_cast<int64_t>(worst.size()) -
                     no_evidence));
  put(view, "risk_max", field(at(at(index.record, "risk"), "criteria"), "max_acceptable_risk"));
  put(view, "has_worst_risks", Data(!list_empty(worst_list)));
  put(view, "worst_risks", std::move(worst_list));
}

// Waivers and attestations in one line each.
void add_exceptions_summary(Data& view, const Index& index, int64_t waived) {
  int64_t current = 0;
  int64_t expired = 0;
  int64_t unmatched = 0;
  for (const auto& w : at(at(index.record, "waivers"), "entries")) {
    current += at(w, "state") == "current" ? 1 : 0;
    expired += at(w, "state") == "expired" ? 1 : 0;
    unmatched += integer(at(w, "matched")) == 0 ? 1 : 0;
  }
  put(view, "waivers_line",
      plural(waived, "result", "results") + " waived; " +
          plural(current, "current waiver", "current waivers") + ", " +
          plural(expired, "expired waiver", "expired waivers") + " (not applied), " +
          plural(unmatched, "waiver matches", "waivers match") + " nothing");
  int64_t att_current = 0;
  int64_t att_expired = 0;
  for (const auto& a : at(at(index.record, "attestations"), "entries")) {
    att_current += at(a, "state") == "current" ? 1 : 0;
    att_expired += at(a, "state") == "expired" ? 1 : 0;
  }
  put(view, "attestations_line",
      plural(att_current, "current attestation", "current attestations") + ", " +
          plural(att_expired, "expired attestation", "expired attestations") +
          " (reported beside the score, never inside it)");
}

} // namespace

void add_summary_view(Data& view, const Index& index, int64_t now) {
  const auto& ig1 = at(at(index.record, "scores"), "ig1");
  const auto assessed = integer(at(ig1, "assessed"));
  const auto attested = integer(at(ig1, "attested"));
  put(view, "ig1_score", score_text(at(ig1, "score")));
  put(view, "ig1_assessed", std::to_string(assessed));
  put(view, "ig1_total", std::to_string(integer(at(ig1, "total"), 56)));
  put(view, "ig1_automated", std::to_string(integer(at(ig1, "automated"), assessed - attested)));
  put(view, "ig1_attested", std::to_string(attested));

  const auto counts = add_hosts_summary(view, index);

  // Evidence age: how long before this rendering the scan finished.
  const auto finished = parse_timestamp(field(at(index.record, "run"), "finished_at"));
  const bool known = finished >= 0;
  put(view, "evidence_known", Data(known));
  put(view, "evidence_future", Data(known && finished > now));
  put(view, "evidence_stale", Data(known && now - finished >= 86400));
  put(view, "evidence_age", known ? age_text(std::max<int64_t>(0, now - finished)) : "");

  add_risks_summary(view, index);
  add_exceptions_summary(view, index, counts[status_slot(ResultStatus::waived)]);
}

} // namespace cisscan::reports::html
