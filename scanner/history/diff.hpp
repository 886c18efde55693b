// Drift between two runs: what newly fails or passes, hosts and checks that came or went, host
// keys that changed, and the score change per safeguard and for IG1.
#pragma once

#include "model/status.hpp"
#include "record/hosts.hpp"
#include "util/json.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cisscan {

// What the diff reads of the earlier run, kept small (a fleet's stored run is compared without a
// JSON tree of its results): each host's scan state, host key and each result's check id and
// status; each check's definition hash; the run id and the IG1 and safeguard scores.
struct RunDigest {
  struct Host {
    bool scanned = true; // reached (status ok, or a record that gives no status)
    cisscan::json key;   // identity.host_key_sha256, or null
    std::vector<std::pair<std::string, ResultStatus>> results; // in record order
  };
  cisscan::json run_id;
  cisscan::json ig1_score;
  cisscan::json safeguards; // scores.safeguards: each tally with at least its score
  std::map<std::string, std::string> checks; // check id -> the first recorded sha256, or ""
  std::map<std::string, Host> hosts;         // by name; of hosts that share one, the last
  // Adds a host of a record (its name, status, identity and results).
  void add_host(const cisscan::json& host);
};
// The digest of a record held whole (its "hosts" array).
RunDigest digest_of(const cisscan::json& record);

// The drift from the run `before` to `record`, whose hosts are read from `hosts` (twice, one at a
// time: first the checks' definitions, then each host against its digest).
cisscan::json diff_run(const RunDigest& before, const cisscan::json& record,
                       const HostSource& hosts);
cisscan::json diff_records(const cisscan::json& old_record, const cisscan::json& new_record);
// A plain-text rendering for the terminal.
std::string diff_text(const cisscan::json& diff);

} // namespace cisscan
