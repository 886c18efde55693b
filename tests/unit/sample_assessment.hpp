// An assessment for the tests of the assessment's passes: a current waiver of c-fail, a current
// attestation of the manual check c-manual, and the shipped risk register.
#pragma once

#include "pipeline/run.hpp"
#include "risk/register.hpp"
#include "shipped_controls.hpp"

namespace cisscan::test {

inline Assessment sample_assessment() {
  Assessment out;
  out.as_of = "2026-12-07";
  Waiver waiver;
  waiver.id = "W-1";
  waiver.checks = "c-fail";
  waiver.justification = "Accepted for the test.";
  waiver.approved_by = "ciso";
  waiver.expires = "2099-12-31";
  out.exceptions.waivers.push_back(waiver);
  Attestation attestation;
  attestation.id = "A-1";
  attestation.check = "c-manual";
  attestation.statement = "Done by hand.";
  attestation.evidence = "ticket 1";
  attestation.attested_by = "auditor";
  attestation.date = "2026-12-01";
  attestation.expires = "2099-12-31";
  out.exceptions.attestations.push_back(attestation);
  out.risk = load_register(CISSCAN_SOURCE_DIR "/checks/risk/register.yaml", shipped_controls());
  return out;
}

} // namespace cisscan::test
