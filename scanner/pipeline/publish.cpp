#include "pipeline/publish.hpp"

#include "history/diff.hpp"
#include "history/store.hpp"
#include "model/record_status.hpp"
#include "pipeline/write_reports.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

namespace cisscan {

namespace {

// A host in scope (not skipped) that was not scanned to the end (not ok): the scores count both.
bool incomplete(const cisscan::json& record) {
  const auto& scores = record["scores"];
  return scores.value("hosts_scanned", 0) < scores.value("hosts_in_scope", 0);
}

// The history the report shows: the baseline's drift and the IG1 score over time. A store that
// cannot be used costs the run its history, never its reports.
std::unique_ptr<HistoryStore> attach_history(cisscan::json& record, const HostSource& hosts,
                                             const std::string& url, std::string& store_error) {
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
    // The earlier run as its digest from the store's tables, this one a host at a time: neither
    // record is held for the drift.
    if (const auto id = store->latest_before(record["run"]["started_at"].get<std::string>())) {
      history["since_last_run"] = diff_run(*store->digest(*id), record, hosts);
    }
    record["history"] = history;
  } catch (const std::exception& e) {
    store_error = e.what();
    store.reset();
  }
  return store;
}

void log_summary(const cisscan::json& record) {
  const auto& ig1 = record["scores"]["ig1"];
  spdlog::info("IG1 score {} ({} of {} IG1 safeguards assessed), {} of {} scanned",
               ig1["score"].is_null() ? std::string("n/a") : ig1["score"].dump(),
               ig1["assessed"].get<int>(), ig1["total"].get<int>(),
               record["scores"]["hosts_scanned"].get<int>(),
               util::count_of(record["scores"]["hosts_in_scope"].get<int>(), "host"));
}

} // namespace

std::optional<cisscan::json> latest_baseline(const cisscan::json& record, HistoryStore& store,
                                             bool missing_passes) {
  const auto id = store.latest_before(record["run"]["started_at"].get<std::string>());
  if (id) {
    return store.summary_record(*id); // what the gate's diff reads of it
  }
  if (missing_passes) {
    return record;
  }
  return std::nullopt;
}

PublishOutcome publish_run(cisscan::json& record, const HostSource& hosts, const PublishPlan& plan,
                           GateRules rules) {
  PublishOutcome outcome;
  std::unique_ptr<HistoryStore> store;
  if (!plan.store.empty()) {
    store = attach_history(record, hosts, plan.store, outcome.store_error);
  }
  if (plan.baseline_latest) {
    if (!store) {
      throw ConfigError("--baseline latest: --store " + redact_url(plan.store) + ": " +
                        outcome.store_error);
    }
    rules.baseline = latest_baseline(record, *store, plan.baseline_missing_passes);
    outcome.baseline_missing = !rules.baseline.has_value();
  }
  write_reports(record, hosts, plan.formats, plan.out, plan.render);
  if (store) {
    try {
      store->save(record, hosts, [&](std::ostream& out) {
        reports::write_report(*reports::find_format("json"), record, hosts, {}, out);
      });
      spdlog::info("stored run {} in {}", record["run"]["id"].get<std::string>(),
                   redact_url(plan.store));
    } catch (const std::exception& e) {
      outcome.store_error = e.what();
    }
  }
  if (!plan.prometheus.empty()) {
    util::write_file_atomic(plan.prometheus, [&](std::ostream& out) {
      reports::write_report(*reports::find_format("prom"), record, hosts, {}, out);
    });
  }
  log_summary(record);
  if (!outcome.baseline_missing) {
    outcome.verdict = evaluate_gate(record, hosts, rules);
  }
  outcome.incomplete = incomplete(record);
  return outcome;
}

PublishOutcome publish_run(cisscan::json& record, const PublishPlan& plan, GateRules rules) {
  return publish_run(record, RecordHosts(record), plan, std::move(rules));
}

} // namespace cisscan
