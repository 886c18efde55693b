// Scores per host and safeguard, per safeguard and control across the fleet, and for IG1.
// score = weight(pass) / weight(pass + fail + error) × 100; manual, not_applicable and waived are
// outside the denominator; error counts against. Computed from the record's hosts, so any saved
// run can be scored again.
#pragma once

#include "catalog/controls.hpp"
#include "util/json.hpp"

namespace cisscan {

// `hosts` is the record's hosts array; returns the record's `scores` object. `attestations` is
// the record's attestations section (or null): a current attestation makes a safeguard without
// automated results `attested`, shown beside the score and never inside it.
cisscan::json score_hosts(const cisscan::json& hosts, const ControlsCatalog& controls,
                          const cisscan::json& attestations = nullptr);

} // namespace cisscan
