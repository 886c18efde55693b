#include "cli/gate_args.hpp"

#include "cli/exit_codes.hpp"
#include "history/store.hpp"
#include "pipeline/publish.hpp"
#include "record/record.hpp"
#include "util/error.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>

namespace cisscan {

namespace {

// CLI11's own range check lets NaN through (every comparison with it is false).
std::string check_score(std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || value < 0 || value > 100) {
    return "expected a score 0..100, not '" + text + "'";
  }
  return {};
}

} // namespace

void add_gate_options(CLI::App* command, GateArgs& args) {
  command->add_option("--fail-under", args.fail_under, "Fail when the IG1 score is under this")
      ->check(CLI::Validator(check_score, "SCORE"));
  command->add_option("--baseline", args.baseline,
                      "Record to compare with, or 'latest' (the newest stored run before this "
                      "one; needs --store)");
  command
      ->add_option("--fail-on", args.fail_on,
                   "new-failures (only regressions against --baseline fail), "
                   "unacceptable-risk (risk register entries above the acceptance criterion on "
                   "evidence: failing results on hosts in scope) or unacceptable-risk-strict "
                   "(also those without evidence) (repeatable)")
      ->check(CLI::IsMember({"new-failures", "unacceptable-risk", "unacceptable-risk-strict"}));
  command
      ->add_option("--baseline-missing", args.baseline_missing,
                   "With --baseline latest and no earlier stored run: fail (exit 2, the "
                   "default) or pass (nothing is a regression yet)")
      ->check(CLI::IsMember({"fail", "pass"}));
  command->add_option("--gate", args.gate_file,
                      "Gate file: {ig1: N, safeguards: {\"5.2\": N}} minimum scores");
}

GateRules load_gate_rules(const GateArgs& args,
                          const std::function<bool(const std::string&)>& known_safeguard,
                          bool have_store) {
  GateRules rules;
  if (args.fail_under >= 0) {
    rules.fail_under = args.fail_under;
  }
  for (const auto& rule : args.fail_on) {
    rules.fail_on_new_failures = rules.fail_on_new_failures || rule == "new-failures";
    rules.risk_strict = rules.risk_strict || rule == "unacceptable-risk-strict";
    rules.fail_on_unacceptable_risk =
        rules.fail_on_unacceptable_risk || rules.risk_strict || rule == "unacceptable-risk";
  }
  if (!args.gate_file.empty()) {
    load_gate_file(args.gate_file, rules, known_safeguard);
    if (!rules.ig1_minimum && rules.safeguard_minimums.empty()) {
      // Read as a rule, an empty gate file would replace the default gate with nothing.
      throw ConfigError(args.gate_file +
                        ":1: a gate file needs minimum scores: ig1: N and/or safeguards: "
                        "{\"5.2\": N}");
    }
  }
  if (rules.fail_on_new_failures && args.baseline.empty()) {
    throw ConfigError("--fail-on new-failures needs --baseline RECORD|latest");
  }
  if (!args.baseline.empty() && !rules.fail_on_new_failures) {
    throw ConfigError("--baseline is read only by --fail-on new-failures: add that, or leave "
                      "--baseline out");
  }
  if (args.baseline == "latest") {
    if (!have_store) {
      throw ConfigError("--baseline latest needs --store");
    }
  } else if (!args.baseline.empty()) {
    rules.baseline = load_record(args.baseline);
  }
  return rules;
}

bool resolve_latest_baseline(GateRules& rules, const GateArgs& args, const cisscan::json& record,
                             HistoryStore& store) {
  if (args.baseline != "latest") {
    return true;
  }
  rules.baseline = latest_baseline(record, store, args.baseline_missing == "pass");
  return rules.baseline.has_value();
}

std::string missing_baseline_message() {
  return "--baseline latest: the store holds no run before this one (--baseline-missing pass "
         "lets a first run pass)";
}

int report_gate(const GateVerdict& verdict) {
  for (const auto& line : verdict.failures) {
    std::cerr << line << "\n";
  }
  return verdict.passed ? k_exit_ok : k_exit_gate_failed;
}

} // namespace cisscan
