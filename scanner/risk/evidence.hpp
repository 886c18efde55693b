// What a record's scanned hosts show about each entry of a risk register, gathered in one pass
// over the results (risk/register.cpp turns it into the record's `risk`).
#pragma once

#include "model/assessed_results.hpp"
#include "risk/register.hpp"
#include "score/safeguard_state.hpp"
#include "util/by_host.hpp"
#include "util/json.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cisscan {

// One entry's evidence: its safeguards' tallies over the results linked to it, its findings,
// and whether one of them is a gap (fail or error).
struct Evidence {
  std::map<std::string, SafeguardTally> tally;
  util::ByHost findings;
  int hosts_in_scope = 0;
  bool gap = false;
};

struct EvidenceLinks;

// A result is linked to an entry by what its check names (`risks:` in the record's `checks`:
// those entries, for the safeguards they share, or all of the entry's when they share none), or,
// for a check that names none of the register's entries, by the safeguards it shares with the
// entry. Only `ok` hosts whose roles are in the entry's asset classes count. Gathered one host
// at a time, in any order, so that a fleet's hosts need not all be held at once.
class EvidencePass {
public:
  // `record` gives the checks' `risks:` (its "checks" section); its hosts are not read.
  EvidencePass(const cisscan::json& record, const RiskRegister& reg);
  ~EvidencePass();
  EvidencePass(const EvidencePass&) = delete;
  EvidencePass& operator=(const EvidencePass&) = delete;

  // Adds the host's results to the entries' evidence and sets each finding's `risks` (the ids of
  // the entries it feeds, in register order); a result that feeds none has no `risks`. `index`
  // is the host's place in the record: the findings are listed in record order.
  void add(cisscan::json& host, size_t index);
  // The same for a host whose results are apart from its entry (`host`: its other members).
  void add(const cisscan::json& host, AssessedResults& results, size_t index);
  // One per entry, in the register's order.
  std::vector<Evidence>& entries() { return m_entries; }

private:
  const RiskRegister& m_reg;
  std::unique_ptr<EvidenceLinks> m_links;
  std::vector<Evidence> m_entries;
};

} // namespace cisscan
