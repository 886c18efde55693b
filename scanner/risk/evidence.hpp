// What a record's scanned hosts show about each entry of a risk register, gathered in one pass
// over the results (risk/register.cpp turns it into the record's `risk`).
#pragma once

#include "risk/register.hpp"
#include "score/safeguard_state.hpp"
#include "util/json.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cisscan {

// One entry's evidence: its safeguards' tallies over the results linked to it, its findings,
// and whether one of them is a gap (fail or error).
struct Evidence {
  std::map<std::string, SafeguardTally> tally;
  cisscan::json findings = cisscan::json::array();
  int hosts_in_scope = 0;
  bool gap = false;
};

struct RegisterEvidence {
  std::vector<Evidence> entries; // in the register's order
  // (host index, result index) -> the ids of the entries its finding feeds, in register order.
  std::map<std::pair<size_t, size_t>, std::vector<std::string>> risks_of;
};

// A result is linked to an entry by what its check names (`risks:` in the record's `checks`:
// those entries, for the safeguards they share, or all of the entry's when they share none), or,
// for a check that names none of the register's entries, by the safeguards it shares with the
// entry. Only `ok` hosts whose roles are in the entry's asset classes count.
RegisterEvidence gather_evidence(const cisscan::json& record, const RiskRegister& reg);

} // namespace cisscan
