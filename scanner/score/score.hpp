// Scores per host and safeguard, per safeguard and control across the fleet, and for IG1.
// score = weight(pass) / weight(pass + fail + error) × 100; manual, not_applicable and waived are
// outside the denominator; error counts against. Computed from the record's hosts, so any saved
// run can be scored again.
#pragma once

#include "catalog/controls.hpp"
#include "model/assessed_results.hpp"
#include "score/safeguard_state.hpp"
#include "util/json.hpp"

#include <map>
#include <string>

namespace cisscan {

// score_hosts one host at a time, so that a fleet's hosts need not all be held at once: add()
// each host, in any order (the sums are exact: score/safeguard_state.hpp), then finish() with
// the record's attestations section. Each host's own entry (the record's scores.hosts[name]) is
// given back by add(), not kept: a scan writes it to disk with the host (record/host_spool.hpp).
class ScoreTally {
public:
  explicit ScoreTally(const ControlsCatalog& controls);
  cisscan::json add(const cisscan::json& host);
  // The same for a host whose results are apart from its entry (`host`: its other members);
  // `answered`: it ran probes (else its results are placeholders, and it has no score).
  cisscan::json add(const cisscan::json& host, const ResultsView& results, bool answered);
  // The record's `scores`, its `hosts` an empty object: the entries add() gave go there.
  cisscan::json finish(const cisscan::json& attestations = nullptr) const;

private:
  const ControlsCatalog& m_controls;
  using Tallies = std::map<std::string, SafeguardTally, std::less<>>;
  Tallies m_safeguards;      // across the fleet's ok hosts
  Tallies m_control_tallies; // the same per control
  int m_scanned = 0;
  int m_in_scope = 0;
};

// `hosts` is the record's hosts array; returns the record's `scores` object. `attestations` is
// the record's attestations section (or null): a current attestation makes a safeguard without
// automated results `attested`, shown beside the score and never inside it.
cisscan::json score_hosts(const cisscan::json& hosts, const ControlsCatalog& controls,
                          const cisscan::json& attestations = nullptr);

} // namespace cisscan
