#include "cli/gate_args.hpp"

#include "cli/exit_codes.hpp"
#include "history/store.hpp"
#include "record/record.hpp"
#include "util/error.hpp"

#include <iostream>

namespace cisscan {

void add_gate_options(CLI::App* command, GateArgs& args) {
  command->add_option("--fail-under", args.fail_under, "Fail when the IG1 score is under this");
  command->add_option("--baseline", args.baseline,
                      "Record to compare with, or 'latest' (the newest stored run before this "
                      "one; needs --store)");
  command
      ->add_option("--fail-on", args.fail_on,
                   "new-failures (only regressions against --baseline fail) or "
                   "unacceptable-risk (repeatable)")
      ->check(CLI::IsMember({"new-failures", "unacceptable-risk"}));
  command->add_option("--gate", args.gate_file,
                      "Gate file: {ig1: N, safeguards: {\"5.2\": N}} minimum scores");
}

GateRules load_gate_rules(const GateArgs& args, const cisscan::json& record, HistoryStore* store) {
  GateRules rules;
  if (args.fail_under >= 0) {
    if (args.fail_under > 100) {
      throw ConfigError("--fail-under: expected a score 0..100");
    }
    rules.fail_under = args.fail_under;
  }
  for (const auto& rule : args.fail_on) {
    rules.fail_on_new_failures = rules.fail_on_new_failures || rule == "new-failures";
    rules.fail_on_unacceptable_risk =
        rules.fail_on_unacceptable_risk || rule == "unacceptable-risk";
  }
  if (!args.gate_file.empty()) {
    load_gate_file(args.gate_file, rules);
  }
  if (rules.fail_on_new_failures && args.baseline.empty()) {
    throw ConfigError("--fail-on new-failures needs --baseline RECORD|latest");
  }
  if (args.baseline == "latest") {
    if (store == nullptr) {
      throw ConfigError("--baseline latest needs --store");
    }
    const auto id = store->latest_before(record["run"]["started_at"].get<std::string>());
    if (id) {
      rules.baseline = cisscan::json::parse(*store->export_record(*id));
    } else {
      // No earlier run: nothing can be a regression yet.
      rules.baseline = record;
    }
  } else if (!args.baseline.empty()) {
    rules.baseline = load_record(args.baseline);
  }
  return rules;
}

int report_gate(const GateVerdict& verdict) {
  for (const auto& line : verdict.failures) {
    std::cerr << line << "\n";
  }
  return verdict.passed ? k_exit_ok : k_exit_gate_failed;
}

} // namespace cisscan
