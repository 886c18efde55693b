// What a catalog can show of each CIS Controls v8 safeguard of an Implementation Group: the
// checks that assess it automatically, those a person answers (manual), or neither.
#pragma once

#include "catalog/check.hpp"
#include "catalog/controls.hpp"

#include <string>
#include <vector>

namespace cisscan {

struct SafeguardCoverage {
  const Safeguard* safeguard = nullptr;
  std::vector<std::string> automated; // check ids, in catalog order
  std::vector<std::string> manual;
  // "automated", "manual" (manual checks only) or "attestation" (no check: no host can show it,
  // only an attestation can).
  std::string coverage() const;
};

// Every safeguard of Implementation Group `ig` (1, 2 or 3), in catalog order, with the checks of
// `catalog` that name it.
std::vector<SafeguardCoverage> safeguard_coverage(const ControlsCatalog& controls,
                                                  const Catalog& catalog, int ig);

} // namespace cisscan
