// The one rule for a safeguard's score and state, shared by scoring, the risk register, the gate,
// diff and every report (DESIGN, "Statuses and scores"):
//   score = weight(pass) / weight(pass + fail + error) x 100
// `manual`, `not_applicable` and `waived` results are outside the denominator everywhere: a
// waiver is an accepted exception, recorded beside the score, never a pass. So a safeguard whose
// only results are waived has no automated evidence: `not_assessed` (or `attested`), and a risk
// entry that depends on it counts it as not shown to be in place.
#pragma once

#include "model/status.hpp"
#include "util/json.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace cisscan {

class SafeguardTally {
public:
  void add(ResultStatus status, double weight);
  // Marks the safeguard as answered by a current attestation (beside the score, never in it).
  void attest() { m_attested = true; }
  bool attested() const { return m_attested; }

  // 0-100 with one decimal; none when no pass, fail or error result counts.
  std::optional<double> score() const;
  // compliant (100), partial, non_compliant (0), attested, not_applicable (only such results),
  // not_assessed.
  SafeguardState state() const;
  // The record's form: score, state, counts per status, attested.
  cisscan::json to_json() const;

private:
  // Whole millionths of a weight (the least a check may have, 0.001, is a thousand of them:
  // catalog/check_parser.cpp), so that the sums, and so the score, are the same in whatever
  // order results are added: a fleet's hosts are assessed as they end.
  std::int64_t m_pass_weight = 0;
  std::int64_t m_counted_weight = 0;
  std::array<int, k_result_statuses.names.size()> m_counts{}; // results per status
  bool m_attested = false;
};

} // namespace cisscan
