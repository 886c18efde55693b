// Where a finished, assessed run goes, the same for `scan` and `merge`: the history store (its
// drift and IG1 over time in the record), the reports, the Prometheus file, the gate; and the
// exit code that results (DESIGN, "Exit codes").
#pragma once

#include "catalog/controls.hpp"
#include "cli/gate_args.hpp"
#include "util/json.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cisscan {

struct PublishArgs {
  std::string out = "cisscan-report";
  std::string formats = "json,junit,html";
  std::string store;
  std::string prometheus;
  std::string html_detail = "full";
  GateArgs gate;
};

// --out, --format, --html-detail, --store, --prometheus and the gate options.
void add_publish_options(CLI::App* command, PublishArgs& args);
// Everything that can be checked before any host is contacted (or any shard read): the formats,
// the gate rules (but --baseline latest), the store for --baseline latest, the Prometheus file.
// Throws ConfigError.
GateRules check_publish(const PublishArgs& args, const ControlsCatalog& controls);
// Attaches history, writes the reports, stores the run, writes the metrics, applies the gate.
int publish_run(cisscan::json& record, const PublishArgs& args, GateRules rules);

} // namespace cisscan
