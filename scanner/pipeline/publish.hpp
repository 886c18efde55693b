// Where a finished, assessed run goes, the same for `scan` and `merge`: the history store (its
// drift and IG1 over time in the record), the reports, the Prometheus file, the gate. What came
// of each is an outcome; the CLI prints it and maps it to an exit code (cli/publish.hpp).
#pragma once

#include "gate/gate.hpp"
#include "record/hosts.hpp"
#include "reports/formats.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cisscan {

class HistoryStore;

struct PublishPlan {
  std::string out;                  // the reports' folder
  std::vector<std::string> formats; // rows of the format table
  reports::RenderOptions render;
  std::string store;                    // history store URL; empty: none
  std::string prometheus;               // textfile path; empty: none
  bool baseline_latest = false;         // the gate's baseline is the store's newest earlier run
  bool baseline_missing_passes = false; // ... and a first run (no earlier one) passes
};

struct PublishOutcome {
  bool baseline_missing = false; // --baseline latest: no earlier run (the reports were written)
  std::string store_error;       // the store could not be read or saved to (reports written)
  GateVerdict verdict;
  bool incomplete = false; // a host in scope was not scanned to the end
};

// The newest run in `store` started before `record`; with none, the record itself when
// `missing_passes` (nothing can be a regression yet), else nothing.
std::optional<cisscan::json> latest_baseline(const cisscan::json& record, HistoryStore& store,
                                             bool missing_passes);

// Attaches history, writes the reports, stores the run, writes the metrics, applies the gate.
// Throws ConfigError when the reports cannot be written, or when --baseline latest has no
// store to read.
PublishOutcome publish_run(cisscan::json& record, const PublishPlan& plan, GateRules rules);
// The same with the record's hosts read from `hosts`, one at a time (a scan's spool); the
// store, when there is one, gets the record held whole.
PublishOutcome publish_run(cisscan::json& record, const HostSource& hosts, const PublishPlan& plan,
                           GateRules rules);

} // namespace cisscan
