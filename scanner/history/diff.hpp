// Drift between two runs: what newly fails or passes, hosts and checks that came or went, host
// keys that changed, and the score change per safeguard and for IG1.
#pragma once

#include "record/hosts.hpp"
#include "util/json.hpp"

#include <string>

namespace cisscan {

cisscan::json diff_records(const cisscan::json& old_record, const cisscan::json& new_record);
// diff_records against a run whose hosts are read from `hosts`: the record itself when it holds
// them, else only what the diff reads of it, one host at a time (the run, the IG1 and safeguard
// scores, and each host's name, status, host key and results' check id, status, title and
// definition hash): a fleet's run compared with another is not held whole for it.
// HistoryStore::summary_record gives as little of a stored run.
cisscan::json diff_run(const cisscan::json& old_record, const cisscan::json& record,
                       const HostSource& hosts);
// A plain-text rendering for the terminal.
std::string diff_text(const cisscan::json& diff);

} // namespace cisscan
