// The state of a risk register entry after a scan, one vocabulary for the register, the gate and
// every renderer:
//   acceptable    its risk is within the acceptance criterion;
//   unacceptable  above it, on evidence: a result linked to the entry failed (or could not be
//                 shown, `error`) on a scanned host in scope, or its safeguards are in place and
//                 the risk is above the criterion all the same;
//   no_evidence   above it only because nothing shows its safeguards in place: no host in scope,
//                 or no pass, fail or error result (nor a current attestation) for a safeguard.
// Header only: the renderers use it without linking the engine.
#pragma once

#include "model/record_status.hpp"

namespace cisscan {

// The entry's `state`; for a record written before entries had one, what its other members say
// (an entry that was assessed, has hosts in scope and findings is an evidenced gap).
inline RiskState risk_state(const cisscan::json& entry) {
  if (const auto state = k_risk_states.parse(status_word(entry, "state"))) {
    return *state;
  }
  if (entry.value("acceptable", false)) {
    return RiskState::acceptable;
  }
  const auto findings = entry.find("findings");
  const bool has_findings = findings != entry.end() && findings->is_array() && !findings->empty();
  const bool evidenced = entry.value("assessed", true) && entry.value("hosts_in_scope", 1) > 0;
  return evidenced && has_findings ? RiskState::unacceptable : RiskState::no_evidence;
}

} // namespace cisscan
