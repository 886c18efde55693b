// The gate options shared by `scan` (the run just made) and `gate` (a saved record).
#pragma once

#include "gate/gate.hpp"
#include "util/json.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cisscan {

class HistoryStore;

struct GateArgs {
  double fail_under = -1;
  std::string baseline;             // a record file, or "latest"
  std::vector<std::string> fail_on; // new-failures, unacceptable-risk
  std::string gate_file;
};

void add_gate_options(CLI::App* command, GateArgs& args);
// Throws ConfigError for bad combinations (new-failures without a baseline; latest without a
// store) and bad files. `store` may be null.
GateRules load_gate_rules(const GateArgs& args, const cisscan::json& record, HistoryStore* store);
// Prints the verdict's lines to stderr; returns 1 when the gate failed, else 0.
int report_gate(const GateVerdict& verdict);

} // namespace cisscan
