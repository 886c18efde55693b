// Host × checks: which checks apply to a host, and the deduplicated probes they need.
#pragma once

#include "catalog/check.hpp"
#include "plan/facts.hpp"

#include <string>
#include <vector>

namespace cisscan {

enum class Decision { run, not_applicable, manual };

struct PlannedCheck {
  CheckPtr check;
  Decision decision = Decision::run;
  std::string reason; // why not applicable
};

struct HostPlan {
  std::vector<PlannedCheck> checks; // every check of the catalog, in catalog order
  std::vector<ProbeSpec> probes;    // each probe once, in first-use order
};

// Empty when the check applies, else the first condition that does not hold.
std::string why_not_applicable(const Applicability& applies, const Facts& facts,
                               const std::vector<std::string>& roles);
HostPlan plan_host(const Catalog& catalog, const Facts& facts,
                   const std::vector<std::string>& roles);

} // namespace cisscan
