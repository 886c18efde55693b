#include "cli/publish.hpp"

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "history/diff.hpp"
#include "history/store.hpp"
#include "model/record_status.hpp"
#include "reports/formats.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace cisscan {

namespace {

bool incomplete(const cisscan::json& record) {
  for (const auto& host : record["hosts"]) {
    const auto status = host_status(host);
    if (status != HostStatus::ok && status != HostStatus::skipped) {
      return true;
    }
  }
  return false;
}

// The history the report shows: the baseline's drift and the IG1 score over time. A store that
// cannot be used costs the run its history (exit 2), never its reports.
std::unique_ptr<HistoryStore> attach_history(cisscan::json& record, const std::string& url,
                                             std::string& store_error) {
  std::unique_ptr<HistoryStore> store;
  try {
    store = std::make_unique<HistoryStore>(url);
    cisscan::json over_time = cisscan::json::array();
    for (const auto& [started_at, score] : store->ig1_over_time()) {
      over_time.push_back({{"started_at", started_at},
                           {"score", score ? cisscan::json(*score) : cisscan::json(nullptr)}});
    }
    over_time.push_back(
        {{"started_at", record["run"]["started_at"]}, {"score", record["scores"]["ig1"]["score"]}});
    cisscan::json history = {{"store", redact_url(url)}, {"ig1_over_time", over_time}};
    if (const auto id = store->latest_before(record["run"]["started_at"].get<std::string>())) {
      const auto previous = cisscan::json::parse(*store->export_record(*id));
      history["since_last_run"] = diff_records(previous, record);
    }
    record["history"] = history;
  } catch (const std::exception& e) {
    store_error = e.what();
    store.reset();
  }
  return store;
}

// The gate rules (but --baseline latest) and the outputs that are not --out, checked before the
// first host is contacted: a bad one is exit 2 with nothing scanned.
GateRules check_gate_and_outputs(const PublishArgs& args, const ControlsCatalog& controls) {
  auto rules = load_gate_rules(
      args.gate, [&](const std::string& id) { return controls.find(id) != nullptr; },
      !args.store.empty());
  if (args.gate.baseline == "latest") {
    try {
      (void)HistoryStore{args.store}.latest_before(util::rfc3339_now());
    } catch (const DbError& e) {
      throw ConfigError("--store " + redact_url(args.store) + ": " + e.what());
    }
  }
  if (!args.prometheus.empty()) {
    try {
      util::check_writable(args.prometheus);
    } catch (const std::runtime_error& e) {
      throw ConfigError(std::string("--prometheus ") + e.what());
    }
  }
  return rules;
}

} // namespace

void add_publish_options(CLI::App* cmd, PublishArgs& args) {
  cmd->add_option("-o,--out", args.out, "Folder for the reports")->capture_default_str();
  cmd->add_option("-f,--format", args.formats, "Comma-separated: json,junit,html,md,csv,prom")
      ->capture_default_str();
  add_html_detail_option(cmd, args.html_detail);
  add_gate_options(cmd, args.gate);
  cmd->add_option("--store", args.store,
                  "Keep the run in history: sqlite:PATH, sqlite: or postgresql://...");
  cmd->add_option("--prometheus", args.prometheus,
                  "Write node_exporter textfile metrics to this file (atomically)");
}

GateRules check_publish(const PublishArgs& args, const ControlsCatalog& controls) {
  parse_formats(args.formats);
  return check_gate_and_outputs(args, controls);
}

int publish_run(cisscan::json& record, const PublishArgs& args, GateRules rules) {
  std::string store_error;
  std::string baseline_error; // reported after the reports are written
  std::unique_ptr<HistoryStore> store;
  if (!args.store.empty()) {
    store = attach_history(record, args.store, store_error);
  }
  if (args.gate.baseline == "latest") {
    if (!store) {
      throw ConfigError("--baseline latest: --store " + redact_url(args.store) + ": " +
                        store_error);
    }
    if (!resolve_latest_baseline(rules, args.gate, record, *store)) {
      baseline_error = missing_baseline_message();
    }
  }
  write_reports(record, parse_formats(args.formats), args.out, {args.html_detail});
  if (store) {
    try {
      store->save(record, reports::render("json", record));
      spdlog::info("stored run {} in {}", record["run"]["id"].get<std::string>(),
                   redact_url(args.store));
    } catch (const std::exception& e) {
      store_error = e.what();
    }
  }
  if (!args.prometheus.empty()) {
    util::write_file_atomic(args.prometheus,
                            [&](std::ostream& out) { reports::write_prometheus(record, out); });
  }
  const auto& ig1 = record["scores"]["ig1"];
  spdlog::info("IG1 score {} ({} of {} IG1 safeguards assessed), {} of {} scanned",
               ig1["score"].is_null() ? std::string("n/a") : ig1["score"].dump(),
               ig1["assessed"].get<int>(), ig1["total"].get<int>(),
               record["scores"]["hosts_scanned"].get<int>(),
               util::count_of(record["scores"]["hosts_in_scope"].get<int>(), "host"));
  if (!baseline_error.empty()) {
    std::cerr << "cisscan: " << baseline_error << " (the reports were written)\n";
    return k_exit_usage;
  }
  const int gate = report_gate(evaluate_gate(record, rules));
  if (!store_error.empty()) {
    std::cerr << "cisscan: --store " << redact_url(args.store) << ": " << store_error
              << " (the reports were written)\n";
    return k_exit_usage;
  }
  return incomplete(record) ? k_exit_incomplete : gate;
}

} // namespace cisscan
