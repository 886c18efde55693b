// A run from its hosts' results to an assessed record: the record built from the scan
// (build_record.cpp) and assessed (assess.cpp). The CLI loads the inputs, calls these and
// publishes what they give; record/ only reads, checks and joins records.
#pragma once

#include "catalog/check.hpp"
#include "catalog/controls.hpp"
#include "catalog/selection.hpp"
#include "exceptions/exceptions.hpp"
#include "pipeline/scan.hpp"
#include "pipeline/scan_entry.hpp"
#include "record/record.hpp"
#include "risk/register.hpp"
#include "score/score.hpp"
#include "util/json.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cisscan {

struct RunInfo {
  std::string id;
  std::string started_at;
  std::string finished_at;
  std::string scanner_version;
  std::string operator_name;
  std::string inventory_source;
  std::vector<std::string> checks_paths;
  std::string shard; // "I/N" when this run scanned one shard of the inventory (--shard)
  // The checks the run selected from its catalog (--profile, --only, --skip) and how many the
  // catalog held; without one the record has no run.selection (the catalog ran whole).
  std::optional<Selection> selection;
  size_t checks_in_catalog = 0;
};

// A run's id: its start time to the second and 4 random bytes ("2026-12-01T22:35:44Z-1a2b3c4d").
std::string new_run_id(const std::string& started_at);
// A host's record entry as a JSON tree (build_record's, a record held whole; a scan gives the
// spool its text through ScanEntry, pipeline/scan_entry.hpp).
cisscan::json host_to_json(const HostRun& run);
// The record of a scan, without its assessment (see assess_record).
cisscan::json build_record(const RunInfo& info, const Catalog& catalog,
                           const ControlsCatalog& controls, const std::vector<HostRun>& hosts);
// The same from the hosts' entries (host_to_json), moved into the record.
cisscan::json build_record_from_entries(const RunInfo& info, const Catalog& catalog,
                                        const ControlsCatalog& controls,
                                        std::vector<cisscan::json> hosts);

struct Assessment {
  ExceptionFiles exceptions;
  std::optional<RiskRegister> risk;
  std::string as_of; // YYYY-MM-DD: the day waivers and attestations are judged against
};

// assess_record one host at a time, so that a fleet's hosts need not all be held at once: add()
// each host, in any order, with its index in the record (it changes the host's results), then
// finish() the record; what it gives is the same whatever order the hosts came in. The record
// given first is read for its checks section only.
class HostAssessor {
public:
  HostAssessor(const cisscan::json& record, const ControlsCatalog& controls,
               const Assessment& assessment);
  ~HostAssessor();
  HostAssessor(const HostAssessor&) = delete;
  HostAssessor& operator=(const HostAssessor&) = delete;
  void add(cisscan::json& host, size_t index);
  // The same, returning the host's entry of scores.hosts rather than keeping it (finish() leaves
  // it out): for a host that goes to a spool with its score (record/host_spool.hpp).
  cisscan::json add_spooled(cisscan::json& host, size_t index);
  // The same for a scanned host's entry before its text is written (pipeline/scan_entry.hpp);
  // returns the host's entry of the record's scores.hosts, which finish() leaves out: the
  // caller keeps it with the host's text (record/host_spool.hpp).
  cisscan::json add(ScanEntry& entry, size_t index);
  void finish(cisscan::json& record);

private:
  const Assessment& m_assessment;
  ExceptionPass m_exceptions;
  ScoreTally m_scores;
  cisscan::json m_host_scores; // of the hosts added as JSON entries, by name
  std::unique_ptr<EvidencePass> m_evidence;
};

// Applies waivers and attestations, scores, and assesses the risk register: the same on a fresh
// record and on a saved one (which keeps each result's original status).
void assess_record(cisscan::json& record, const ControlsCatalog& controls,
                   const Assessment& assessment);

} // namespace cisscan
