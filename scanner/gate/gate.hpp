// The CI gate: rules applied to a run record (and its baseline); exit 1 when one fails, with the
// rule and the findings behind it. With no rule given, the default: no `fail` that is not waived.
#pragma once

#include "record/hosts.hpp"
#include "util/json.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cisscan {

struct GateRules {
  std::optional<double> fail_under;      // IG1 score
  std::optional<cisscan::json> baseline; // the record to compare with
  bool fail_on_new_failures = false;
  // Fail on risk register entries above the acceptance criterion on evidence; with risk_strict
  // also on those above it for want of evidence (model/risk_state.hpp).
  bool fail_on_unacceptable_risk = false;
  bool risk_strict = false;
  std::optional<double> ig1_minimum;                // from a gate file
  std::map<std::string, double> safeguard_minimums; // from a gate file

  bool empty() const;
};

struct GateVerdict {
  bool passed = true;
  std::vector<std::string> failures; // one line per failed rule, then the findings behind it
};

GateVerdict evaluate_gate(const cisscan::json& record, const GateRules& rules);
// The same with the record's hosts read from `hosts`, one at a time.
GateVerdict evaluate_gate(const cisscan::json& record, const HostSource& hosts,
                          const GateRules& rules);
// Reads {ig1: N, safeguards: {"5.2": N}}; throws ConfigError naming file and line, also for a
// minimum that is not a number 0..100 (NaN, infinity) or a safeguard `known_safeguard` refuses.
void load_gate_file(const std::string& path, GateRules& rules,
                    const std::function<bool(const std::string&)>& known_safeguard);

} // namespace cisscan
