// Host × checks: which checks apply to a host, and the deduplicated probes they need.
#pragma once

#include "catalog/check.hpp"
#include "plan/facts.hpp"

#include <string>
#include <vector>

namespace cisscan {

// `undecided`: whether the check applies cannot be known (it names packages and the host's
// package list could not be read); the result is an error, never a silent not_applicable.
enum class Decision { run, not_applicable, manual, undecided };

struct PlannedCheck {
  CheckPtr check;
  Decision decision = Decision::run;
  std::string reason; // why it does not run
};

struct HostPlan {
  std::vector<PlannedCheck> checks; // every check of the catalog, in catalog order
  std::vector<ProbeSpec> probes;    // each probe once, in first-use order, as this host runs it
};

// Empty when the check applies, else the first condition that does not hold. Package conditions
// hold here when the package list is unknown (empty): `why_undecided` speaks for them then.
std::string why_not_applicable(const Applicability& applies, const Facts& facts,
                               const std::vector<std::string>& roles);
// Empty unless the check names packages and the host's package list is unknown.
std::string why_undecided(const Applicability& applies, const Facts& facts);
// The facts a planned probe's `printed` output came from: "f-packages" for its packages: lines,
// "f-units" for its services: lines.
std::vector<std::string> printed_from(const ProbeSpec& probe);
HostPlan plan_host(const Catalog& catalog, const Facts& facts,
                   const std::vector<std::string>& roles);

} // namespace cisscan
