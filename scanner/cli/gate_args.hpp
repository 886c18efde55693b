// The gate options shared by `scan` (the run just made) and `gate` (a saved record).
#pragma once

#include "gate/gate.hpp"
#include "util/json.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cisscan {

class HistoryStore;

struct GateArgs {
  double fail_under = -1;
  std::string baseline;             // a record file, or "latest"
  std::vector<std::string> fail_on; // new-failures, unacceptable-risk[-strict]
  std::string gate_file;
  std::string baseline_missing = "fail"; // --baseline latest and no earlier run: fail or pass
};

void add_gate_options(CLI::App* command, GateArgs& args);
// The rules, but for --baseline latest (see resolve_latest_baseline): everything that does not
// need the run, so `scan` checks it before any host is contacted. Throws ConfigError for bad
// combinations (new-failures without a baseline, a baseline without new-failures, latest without
// a store), a bad gate file (its
// safeguards checked with `known_safeguard`) or baseline record.
GateRules load_gate_rules(const GateArgs& args,
                          const std::function<bool(const std::string&)>& known_safeguard,
                          bool have_store);
// With --baseline latest: the newest run in `store` that started before `record`. When there is
// none: with --baseline-missing pass the record itself (nothing can be a regression yet);
// otherwise false, and the caller says so (exit 2).
bool resolve_latest_baseline(GateRules& rules, const GateArgs& args, const cisscan::json& record,
                             HistoryStore& store);
// The one line for a --baseline latest that found no earlier run.
std::string missing_baseline_message();
// Prints the verdict's lines to stderr; returns 1 when the gate failed, else 0.
int report_gate(const GateVerdict& verdict);

} // namespace cisscan
