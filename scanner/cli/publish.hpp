// The options of where a finished, assessed run goes (`scan` and `merge`), checked before the
// run, and the exit code of what came of it (DESIGN, "Exit codes"); the publishing itself is
// pipeline/publish.hpp.
#pragma once

#include "catalog/controls.hpp"
#include "cli/gate_args.hpp"
#include "record/hosts.hpp"
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
// Publishes the run (pipeline/publish.hpp), its hosts read from `hosts` (the spool of a scan or
// a merge), prints what went wrong, returns the exit code.
int publish(cisscan::json& record, const HostSource& hosts, const PublishArgs& args,
            GateRules rules);

} // namespace cisscan
