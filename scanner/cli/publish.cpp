#include "cli/publish.hpp"

#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "history/store.hpp"
#include "pipeline/publish.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <iostream>

namespace cisscan {

namespace {

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

int publish(cisscan::json& record, const HostSource& hosts, const PublishArgs& args,
            GateRules rules) {
  PublishPlan plan;
  plan.out = args.out;
  plan.formats = parse_formats(args.formats);
  plan.render = {args.html_detail};
  plan.store = args.store;
  plan.prometheus = args.prometheus;
  plan.baseline_latest = args.gate.baseline == "latest";
  plan.baseline_missing_passes = args.gate.baseline_missing == "pass";
  const auto outcome = publish_run(record, hosts, plan, std::move(rules));
  if (outcome.baseline_missing) {
    std::cerr << "cisscan: " << missing_baseline_message() << " (the reports were written)\n";
    return k_exit_usage;
  }
  const int gate = report_gate(outcome.verdict);
  if (!outcome.store_error.empty()) {
    std::cerr << "cisscan: --store " << redact_url(args.store) << ": " << outcome.store_error
              << " (the reports were written)\n";
    return k_exit_usage;
  }
  return outcome.incomplete ? k_exit_incomplete : gate;
}

} // namespace cisscan
